/* Reference implementations of the layers kernels (see ddl-ref.h for conventions).
 *
 * Shapes: activations (B, C, HW) are NCHW with H * W flattened; a clip is
 * (B, C, T, HW) (PyTorch's NCTHW), frames are (B, T, C, HW), i.e. the
 * (B * T, C, H, W) batch the 2-D encoder sees. Flags are 0 or 1. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* BatchNorm2d in training mode, as PyTorch: per channel, the batch mean and the
 * biased variance over (B, HW); y = (x - mean) / sqrt (var + eps) * gamma + beta,
 * then max (0, y) if relu. The running statistics move by `momentum` towards the
 * batch mean and the UNBIASED variance var * n / (n - 1), n = B * HW >= 2. */
void ddl_ref_batchnorm_fwd_train (double       *y,             /* (B, C, HW) */
                                  double       *mean,          /* (C) batch mean */
                                  double       *invstd,        /* (C) 1 / sqrt (var + eps) */
                                  double       *running_mean,  /* (C) updated in place */
                                  double       *running_var,   /* (C) updated in place */
                                  const double *x,             /* (B, C, HW) */
                                  const double *gamma,         /* (C) */
                                  const double *beta,          /* (C) */
                                  int B, int C, int HW, double eps, double momentum, int relu);

/* BatchNorm2d in eval mode: the running statistics normalise. */
void ddl_ref_batchnorm_fwd_eval (double       *y,             /* (B, C, HW) */
                                 const double *x,             /* (B, C, HW) */
                                 const double *gamma,         /* (C) */
                                 const double *beta,          /* (C) */
                                 const double *running_mean,  /* (C) */
                                 const double *running_var,   /* (C) */
                                 int B, int C, int HW, double eps, int relu);

/* BatchNorm2d backward. g = dy, zeroed where y <= 0 if relu; xhat = (x - mean) * invstd.
 * dbeta = sum g and dgamma = sum g * xhat over (B, HW), added to the arrays if
 * accumulate, else stored. dx (always stored) = gamma * invstd * g in eval mode,
 * and in training mode, where mean and invstd are functions of x,
 * gamma * invstd * (g - (dbeta + xhat * dgamma) / n) with this call's sums. */
void ddl_ref_batchnorm_bwd (double       *dx,      /* (B, C, HW) */
                            double       *dgamma,  /* (C) */
                            double       *dbeta,   /* (C) */
                            const double *dy,      /* (B, C, HW) */
                            const double *x,       /* (B, C, HW) */
                            const double *y,       /* (B, C, HW) forward output (relu only) */
                            const double *mean,    /* (C) the statistics that normalised */
                            const double *invstd,  /* (C) */
                            const double *gamma,   /* (C) */
                            int B, int C, int HW, int relu, int train, int accumulate);

/* The eval-mode backward from the running statistics. */
void ddl_ref_batchnorm_bwd_eval (double       *dx,            /* (B, C, HW) */
                                 double       *dgamma,        /* (C) */
                                 double       *dbeta,         /* (C) */
                                 const double *dy,            /* (B, C, HW) */
                                 const double *x,             /* (B, C, HW) */
                                 const double *y,             /* (B, C, HW) */
                                 const double *running_mean,  /* (C) */
                                 const double *running_var,   /* (C) */
                                 const double *gamma,         /* (C) */
                                 int B, int C, int HW, double eps, int relu, int accumulate);

void ddl_ref_relu_fwd    (double *y /* (n) */, const double *x /* (n) */, size_t n);
/* dx = y > 0 ? dy : 0, from the forward output y. */
void ddl_ref_relu_bwd    (double       *dx,  /* (n) */
                          const double *dy,  /* (n) */
                          const double *y,   /* (n) */
                          size_t n);
void ddl_ref_sigmoid_fwd (double *y /* (n) */, const double *x /* (n) */, size_t n);
/* dx = dy * y * (1 - y), from the forward output y. */
void ddl_ref_sigmoid_bwd (double       *dx,  /* (n) */
                          const double *dy,  /* (n) */
                          const double *y,   /* (n) */
                          size_t n);

/* The hash behind dropout.comp (lowbias32). */
uint32_t ddl_ref_hash32 (uint32_t x);
/* Whether dropout keeps element `index` for (seed, counter) at drop probability p:
 * u = (hash >> 8) / 2^24 >= p, compared in float as the kernel does. */
int      ddl_ref_dropout_keep (uint32_t seed, uint32_t counter, uint32_t index, float p);
/* y = keep ? x / (1 - p) : 0 (p = 1: all zeros). The backward is the same call on dy. */
void     ddl_ref_dropout (double       *y,   /* (n) */
                          const double *x,   /* (n) */
                          size_t n, float p, uint32_t seed, uint32_t counter);

/* pixel_shuffle (2): out[b, c, 2h + a, 2w + e] = in[b, 4c + 2a + e, h, w]. */
void ddl_ref_pixel_shuffle       (double       *out,  /* (B, C, 2H, 2W) */
                                  const double *in,   /* (B, 4C, H, W) */
                                  int B, int C, int H, int W);
/* Its backward, written as the scatter-add of the forward map: dx += dy. */
void ddl_ref_pixel_shuffle_bwd   (double       *dx,   /* (B, 4C, H, W), accumulated */
                                  const double *dy,   /* (B, C, 2H, 2W) */
                                  int B, int C, int H, int W);
/* pixel_unshuffle (2): out[b, 4c + 2a + e, h, w] = in[b, c, 2h + a, 2w + e]. */
void ddl_ref_pixel_unshuffle     (double       *out,  /* (B, 4C, H, W) */
                                  const double *in,   /* (B, C, 2H, 2W) */
                                  int B, int C, int H, int W);
void ddl_ref_pixel_unshuffle_bwd (double       *dx,   /* (B, C, 2H, 2W), accumulated */
                                  const double *dy,   /* (B, 4C, H, W) */
                                  int B, int C, int H, int W);

/* torch.cat (srcs, 1): srcs[k] is (B, channels[k], HW); out has their channel sum. */
void ddl_ref_concat_channels (double              *out,       /* (B, sum channels, HW) */
                              const double *const *srcs,      /* n x (B, channels[k], HW) */
                              const int           *channels,  /* (n) */
                              int n, int B, int HW);
/* Its backward: dsts[k] += the matching channel block of dy. */
void ddl_ref_concat_channels_bwd (double *const *dsts,      /* n x (B, channels[k], HW), added to */
                                  const double  *dy,        /* (B, sum channels, HW) */
                                  const int     *channels,  /* (n) */
                                  int n, int B, int HW);

/* x.permute (0, 2, 1, 3, 4): a clip (B, C, T, HW) to frames (B, T, C, HW). */
void ddl_ref_clip_to_frames     (double       *out,  /* (B, T, C, HW) */
                                 const double *in,   /* (B, C, T, HW) */
                                 int B, int C, int T, int HW);
void ddl_ref_clip_to_frames_bwd (double       *dx,   /* (B, C, T, HW), accumulated */
                                 const double *dy,   /* (B, T, C, HW) */
                                 int B, int C, int T, int HW);
/* The inverse permute: frames (B, T, C, HW) to a clip (B, C, T, HW). */
void ddl_ref_frames_to_clip     (double       *out,  /* (B, C, T, HW) */
                                 const double *in,   /* (B, T, C, HW) */
                                 int B, int C, int T, int HW);
void ddl_ref_frames_to_clip_bwd (double       *dx,   /* (B, T, C, HW), accumulated */
                                 const double *dy,   /* (B, C, T, HW) */
                                 int B, int C, int T, int HW);

/* x[:, :, t] of a clip; the model takes the middle frame t = (T - 1) / 2. */
void ddl_ref_frame_select     (double       *out,  /* (B, C, HW) */
                               const double *in,   /* (B, C, T, HW) */
                               int B, int C, int T, int HW, int t);
/* Its backward: dy scattered into frame t of an otherwise zero dx. */
void ddl_ref_frame_select_bwd (double       *dx,   /* (B, C, T, HW), overwritten */
                               const double *dy,   /* (B, C, HW) */
                               int B, int C, int T, int HW, int t);
