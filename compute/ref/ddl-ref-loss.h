/* Reference implementations of the loss kernels (see ddl-ref.h for conventions).
 *
 * The DDL training loss as the reference code computes it (pseudo_loss), the
 * paper's ratio-of-norms variant, counter-based uniform noise (Philox-4x32-10), the
 * pseudo-anomaly blend, Adam (torch.optim.Adam) and the 481-patch frame score.
 *
 * Clip layout: x and xa may be whole clips (B, C, T, H, W) of which frame t is used,
 * with the mask (B, T, H, W); plain frames are T = 1, t = 0. Reconstructions are
 * (B, C, H, W). */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int batch;          /* B */
  int channels;       /* C */
  int height;         /* H */
  int width;          /* W */
  int frames;         /* T of x, xa and mask */
  int frame;          /* t, the frame the loss compares */
  double divisor;     /* d of the per-pixel channel norm, sqrt (C) in the reference */
  double eps;         /* 1e-6 */
  double lambda;      /* weight of L_dist, 1e-2 */
  int distinction;    /* 0: reconstruction term only */
  int norm_ratio;     /* 1: paper eq. 7, L_dist = (||M (x - rec_a)|| + eps) / (||M (xa - rec_a)|| + eps) */
} DdlRefLossConfig;

/* out[0] = L_recon = mean over (b, y, x) of ||x - rec_n||_2 over channels / d
 * out[1] = L_dist: mean over masked pixels of (m p + m eps) / (m n + eps) with
 *          p = ||x - rec_a|| / d, n = ||xa - rec_a|| / d (0 without masked pixels);
 *          with norm_ratio the ratio of the two masked L2 norms over the whole batch
 *          (no divisor; also 0 without masked pixels)
 * out[2] = L_recon + lambda L_dist, out[3] = number of masked pixels. */
void ddl_ref_loss_fwd (double *out,                 /* (4) */
                       const double *x,             /* (B, C, T, H, W) */
                       const double *xa,            /* (B, C, T, H, W) */
                       const double *rec_n,         /* (B, C, H, W) */
                       const double *rec_a,         /* (B, C, H, W) */
                       const double *mask,          /* (B, T, H, W) */
                       const DdlRefLossConfig *cfg);

/* Gradients of dloss * out[2]. drec_n and drec_a are overwritten; dxa is written at
 * frame t only (other frames untouched). A zero norm has gradient 0 (torch.norm).
 * xa, rec_a, mask, drec_a and dxa may be NULL when cfg->distinction is 0. */
void ddl_ref_loss_bwd (double *drec_n,              /* (B, C, H, W) */
                       double *drec_a,              /* (B, C, H, W) */
                       double *dxa,                 /* (B, C, T, H, W) */
                       double dloss,
                       const double *x,             /* (B, C, T, H, W) */
                       const double *xa,            /* (B, C, T, H, W) */
                       const double *rec_n,         /* (B, C, H, W) */
                       const double *rec_a,         /* (B, C, H, W) */
                       const double *mask,          /* (B, T, H, W) */
                       const DdlRefLossConfig *cfg);

/* Philox-4x32 with 10 rounds: out = the encryption of ctr under key. */
void ddl_ref_philox4x32 (uint32_t *out,             /* (4) */
                         const uint32_t *ctr,       /* (4) */
                         const uint32_t *key);      /* (2) */

/* out[4 i + j] = (word j of philox (i, counter, stream, 0; seed)) >> 8) / 2^24, in [0, 1). */
void ddl_ref_noise_uniform (double *out,            /* (n) */
                            uint64_t seed, uint32_t counter, uint32_t stream, size_t n);

/* xa = (1 - m) x + m ((1 - s) x + s a), s = sigmoid (l), mask repeated over channels. */
void ddl_ref_blend_fwd (double *xa,                 /* (B, C, T, H, W) */
                        const double *x,            /* (B, C, T, H, W) */
                        const double *a,            /* (B, C, T, H, W) */
                        const double *mask,         /* (B, T, H, W) */
                        double l, int batch, int channels, size_t thw);

/* dx = dxa ((1 - m) + m (1 - s)) (dx may be NULL);
 * returns dl = sum (dxa m (a - x)) s (1 - s). */
double ddl_ref_blend_bwd (double *dx,               /* (B, C, T, H, W) */
                          const double *dxa,        /* (B, C, T, H, W) */
                          const double *x,          /* (B, C, T, H, W) */
                          const double *a,          /* (B, C, T, H, W) */
                          const double *mask,       /* (B, T, H, W) */
                          double l, int batch, int channels, size_t thw);

/* One torch.optim.Adam step t (1-based) in place. */
void ddl_ref_adam_step (double *param,              /* (n) */
                        double *m,                  /* (n) */
                        double *v,                  /* (n) */
                        const double *grad,         /* (n) */
                        size_t n, int t, double lr, double beta1, double beta2, double eps);

/* map[b, y, x] = ||x[b, :, t, y, x] - rec[b, :, y, x]||_2 / divisor. */
void ddl_ref_score_map (double *map,                /* (B, H, W) */
                        const double *x,            /* (B, C, T, H, W) */
                        const double *rec,          /* (B, C, H, W) */
                        int batch, int channels, int frames, int frame, int height, int width,
                        double divisor);

/* Patches: floor (H / P) x floor (W / P) on the outer grid plus, on the map cropped by
 * P / 2 on each side, floor ((H - 2 (P / 2)) / P) x floor ((W - 2 (P / 2)) / P). */
int ddl_ref_score_n_patches (int height, int width, int patch);

/* scores[b] = max over all patches of the patch mean of map[b] (brute force). */
void ddl_ref_score_frames (double *scores,          /* (B) */
                           const double *map,       /* (B, H, W) */
                           int batch, int height, int width, int patch);
