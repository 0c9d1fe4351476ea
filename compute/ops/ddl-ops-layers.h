/* Operators of the layers family (see ddl-ops.h): BatchNorm2d, ReLU, sigmoid,
 * dropout, pixel (un)shuffle, channel concat/split, the clip <-> frames permutes
 * and the frame slice, each forward and backward.
 *
 * Tensors are NCHW float32; a clip is (B, C, T, H, W), "frames" the (B * T, C, H, W)
 * batch the 2-D encoder sees. Activation bindings must start at a multiple of
 * ddl_engine_binding_alignment(); per-channel tensors (gamma, beta, running stats,
 * mean/invstd, dgamma, dbeta) may start at any float of a bigger buffer (a packed
 * parameter or gradient buffer). A batch whose tensors exceed the storage binding
 * limit is processed in windows of whole images, which then must be aligned too.
 * Errors (bad sizes, limits) are recorded in the command (ddl_cmd_run reports them). */
#pragma once

#include "ddl-kernels.h"

G_BEGIN_DECLS

#define DDL_BATCHNORM_EPS      1e-5f  /* PyTorch's defaults */
#define DDL_BATCHNORM_MOMENTUM 0.1f

/* BatchNorm2d in training mode, PyTorch semantics: normalises by the batch mean and
 * biased variance of each channel over (B, H, W), then y = xhat * gamma + beta, and
 * max (0, y) if relu. Writes the batch mean and invstd = 1 / sqrt (var + eps) for the
 * backward, and moves running_mean/var by `momentum` towards the batch mean and the
 * unbiased variance (n / (n - 1)). num_batches_tracked is the model's business.
 * B * H * W must be at least 2. */
void ddl_op_batchnorm_fwd_train (DdlCmd     *cmd,
                                 DdlBinding  y,             /* (B, C, H, W) */
                                 DdlBinding  save_mean,     /* (C) */
                                 DdlBinding  save_invstd,   /* (C) */
                                 DdlBinding  running_mean,  /* (C) updated */
                                 DdlBinding  running_var,   /* (C) updated */
                                 DdlBinding  x,             /* (B, C, H, W) */
                                 DdlBinding  gamma,         /* (C) */
                                 DdlBinding  beta,          /* (C) */
                                 guint B, guint C, guint H, guint W,
                                 float eps, float momentum, gboolean relu);

/* BatchNorm2d in eval mode: normalises by the running statistics. */
void ddl_op_batchnorm_fwd_eval (DdlCmd     *cmd,
                                DdlBinding  y,             /* (B, C, H, W) */
                                DdlBinding  x,             /* (B, C, H, W) */
                                DdlBinding  gamma,         /* (C) */
                                DdlBinding  beta,          /* (C) */
                                DdlBinding  running_mean,  /* (C) */
                                DdlBinding  running_var,   /* (C) */
                                guint B, guint C, guint H, guint W,
                                float eps, gboolean relu);

/* Backward of ddl_op_batchnorm_fwd_train: dx (overwritten) through the batch
 * statistics; dgamma and dbeta overwritten, or added to with `accumulate` (the DDL
 * step runs the network twice and sums parameter gradients). y is the forward
 * output, read only with relu (the gradient is masked by y > 0); pass
 * (DdlBinding) { 0 } otherwise. */
void ddl_op_batchnorm_bwd (DdlCmd     *cmd,
                           DdlBinding  dx,           /* (B, C, H, W) */
                           DdlBinding  dgamma,       /* (C) */
                           DdlBinding  dbeta,        /* (C) */
                           DdlBinding  dy,           /* (B, C, H, W) */
                           DdlBinding  x,            /* (B, C, H, W) */
                           DdlBinding  y,            /* (B, C, H, W) or none */
                           DdlBinding  save_mean,    /* (C) from the forward */
                           DdlBinding  save_invstd,  /* (C) from the forward */
                           DdlBinding  gamma,        /* (C) */
                           guint B, guint C, guint H, guint W,
                           gboolean relu, gboolean accumulate);

/* Backward of ddl_op_batchnorm_fwd_eval: the statistics are constants. */
void ddl_op_batchnorm_bwd_eval (DdlCmd     *cmd,
                                DdlBinding  dx,            /* (B, C, H, W) */
                                DdlBinding  dgamma,        /* (C) */
                                DdlBinding  dbeta,         /* (C) */
                                DdlBinding  dy,            /* (B, C, H, W) */
                                DdlBinding  x,             /* (B, C, H, W) */
                                DdlBinding  y,             /* (B, C, H, W) or none */
                                DdlBinding  running_mean,  /* (C) */
                                DdlBinding  running_var,   /* (C) */
                                DdlBinding  gamma,         /* (C) */
                                guint B, guint C, guint H, guint W,
                                float eps, gboolean relu, gboolean accumulate);

/* Element-wise activations over n floats. The backward passes take the forward
 * OUTPUT y: relu dx = y > 0 ? dy : 0, sigmoid dx = dy * y * (1 - y). Element-wise
 * operators (these, dropout, BatchNorm's y and dx) may write over their input;
 * the data-movement operators below may not. */
void ddl_op_relu_fwd    (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n);
void ddl_op_relu_bwd    (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, DdlBinding y, guint64 n);
void ddl_op_sigmoid_fwd (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n);
void ddl_op_sigmoid_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, DdlBinding y, guint64 n);

/* Dropout with drop probability p in [0, 1]: y = keep ? x / (1 - p) : 0, where keep
 * hashes (seed, counter, element index) (ddl_ref_dropout_keep). `counter` is one
 * float holding a whole number below 2^24, read when the command runs: advance it
 * between runs for fresh masks, keep it between forward and backward. p = 0 is a
 * plain copy and needs no counter ((DdlBinding) { 0 }). The backward applies the
 * same mask to dy. */
void ddl_op_dropout_fwd (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n,
                         float p, guint32 seed, DdlBinding counter);
void ddl_op_dropout_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, guint64 n,
                         float p, guint32 seed, DdlBinding counter);

/* A channel window [c0, c0 + channels) of a (B, ctotal, H, W) tensor; ctotal 0
 * means the tensor has exactly the channels the operation reads or writes. */
typedef struct {
  guint c0;
  guint ctotal;
} DdlChannelSlice;

#define DDL_SLICE_ALL ((DdlChannelSlice) { 0, 0 })
#define DDL_SLICE(c0, ctotal) ((DdlChannelSlice) { (c0), (ctotal) })

/* pixel_shuffle (2): hi (B, C, 2H, 2W) from lo (B, 4C, H, W), PyTorch's order
 * hi[b, c, 2h + a, 2w + e] = lo[b, 4c + 2a + e, h, w]. Its backward is
 * ddl_op_pixel_shuffle_bwd (an unshuffle of the gradient). With `accumulate` the
 * result is added to the destination. */
void ddl_op_pixel_shuffle_fwd (DdlCmd *cmd,
                               DdlBinding hi, DdlChannelSlice hi_slice,  /* (B, C, 2H, 2W) */
                               DdlBinding lo, DdlChannelSlice lo_slice,  /* (B, 4C, H, W) */
                               guint B, guint C, guint H, guint W, gboolean accumulate);
void ddl_op_pixel_shuffle_bwd (DdlCmd *cmd,
                               DdlBinding dlo, DdlChannelSlice dlo_slice,  /* (B, 4C, H, W) */
                               DdlBinding dhi, DdlChannelSlice dhi_slice,  /* (B, C, 2H, 2W) */
                               guint B, guint C, guint H, guint W, gboolean accumulate);
/* pixel_unshuffle (2): lo (B, 4C, H, W) from hi (B, C, 2H, 2W), the inverse map. */
void ddl_op_pixel_unshuffle_fwd (DdlCmd *cmd,
                                 DdlBinding lo, DdlChannelSlice lo_slice,  /* (B, 4C, H, W) */
                                 DdlBinding hi, DdlChannelSlice hi_slice,  /* (B, C, 2H, 2W) */
                                 guint B, guint C, guint H, guint W, gboolean accumulate);
void ddl_op_pixel_unshuffle_bwd (DdlCmd *cmd,
                                 DdlBinding dhi, DdlChannelSlice dhi_slice,  /* (B, C, 2H, 2W) */
                                 DdlBinding dlo, DdlChannelSlice dlo_slice,  /* (B, 4C, H, W) */
                                 guint B, guint C, guint H, guint W, gboolean accumulate);

/* Copies C channels of (B, ., HW) tensors from a slice of src into a slice of dst
 * (added with `accumulate`): the one step of concat (dst slice) and split (src slice). */
void ddl_op_channel_copy (DdlCmd *cmd,
                          DdlBinding dst, DdlChannelSlice dst_slice,
                          DdlBinding src, DdlChannelSlice src_slice,
                          guint B, guint C, guint HW, gboolean accumulate);
/* torch.cat (srcs, 1) of n tensors (B, channels[k], HW) into out. */
void ddl_op_concat_fwd (DdlCmd *cmd, DdlBinding out,
                        const DdlBinding *srcs, const guint *channels, guint n,
                        guint B, guint HW);
/* Its backward: each dsts[k] receives (or, with accumulate, adds) its block of dy. */
void ddl_op_concat_bwd (DdlCmd *cmd, const DdlBinding *dsts, const guint *channels, guint n,
                        DdlBinding dy, guint B, guint HW, gboolean accumulate);

/* x.permute (0, 2, 1, 3, 4): a clip (B, C, T, HW) to frames (B, T, C, HW), and
 * the inverse. Each is the other's backward; `accumulate` adds to the destination. */
void ddl_op_clip_to_frames (DdlCmd *cmd, DdlBinding frames, DdlBinding clip,
                            guint B, guint C, guint T, guint HW, gboolean accumulate);
void ddl_op_frames_to_clip (DdlCmd *cmd, DdlBinding clip, DdlBinding frames,
                            guint B, guint C, guint T, guint HW, gboolean accumulate);

/* x[:, :, t] of a clip (B, C, T, HW) into (B, C, HW); the model's middle frame is
 * t = (T - 1) / 2. The backward writes dy into frame t of dx and zeros elsewhere,
 * or with `accumulate` adds dy to frame t and leaves the other frames alone. */
void ddl_op_frame_select_fwd (DdlCmd *cmd, DdlBinding out, DdlBinding clip,
                              guint B, guint C, guint T, guint HW, guint t);
void ddl_op_frame_select_bwd (DdlCmd *cmd, DdlBinding dclip, DdlBinding dout,
                              guint B, guint C, guint T, guint HW, guint t,
                              gboolean accumulate);

/* Largest byte range an op binds at once (default 128 MiB, lavapipe's
 * maxStorageBufferRange and the smallest limit devices report); bigger batches are
 * split into windows of whole images. Tests lower it to exercise the splitting. */
void  ddl_op_layers_set_max_binding (gsize bytes);
gsize ddl_op_layers_get_max_binding (void);

G_END_DECLS
