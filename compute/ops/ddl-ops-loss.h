/* Operators of the loss family (see ddl-ops.h): the DDL training loss, uniform noise,
 * the pseudo-anomaly blend, Adam and frame scoring. Formulas: compute/ref/ddl-ref-loss.h.
 *
 * Everything that changes from one training step to the next (the loss values, the
 * noise counter, Adam's step and learning rate, the anomaly parameter l) lives in
 * device buffers, so a command recorded once can be replayed every step.
 *
 * A binding whose buffer is NULL means "not used" where a comment says so. Invalid
 * sizes are reported through ddl_cmd_set_error (DDL_ENGINE_ERROR_LIMIT /
 * DDL_ENGINE_ERROR_FAILED) and come back from ddl_cmd_run. */
#pragma once

#include "ddl-kernels.h"

G_BEGIN_DECLS

#ifndef DDL_BIND_NONE
#define DDL_BIND_NONE ((DdlBinding) { NULL, 0, 0 })
#endif

/* --- L = L_recon + lambda L_dist --------------------------------------------------- */

typedef struct {
  guint    batch;         /* B */
  guint    channels;      /* C */
  guint    height;        /* H */
  guint    width;         /* W */
  guint    frames;        /* T of x, xa and mask: they may be whole clips (B, C, T, H, W) */
  guint    frame;         /* the frame compared with the reconstructions (the middle one) */
  float    divisor;       /* d of the per-pixel channel norm */
  float    lambda;        /* weight of L_dist */
  float    eps;
  gboolean distinction;   /* FALSE: L_recon only (xa, rec_a, mask unused) */
  gboolean norm_ratio;    /* paper eq. 7 instead of the reference code's mean of ratios */
} DdlLossConfig;

/* Defaults of the reference code: frames 1, frame 0, divisor sqrt (C), lambda 1e-2,
 * eps 1e-6, distinction on, mean of per-pixel ratios. */
void ddl_loss_config_init (DdlLossConfig *cfg, guint batch, guint channels, guint height,
                           guint width);

/* values (DDL_LOSS_N_VALUES floats, see shaders/params-loss.h) receives L_recon,
 * L_dist, the total and the masked-pixel count in its first four slots.
 * x, xa: (B, C, T, H, W); rec_n, rec_a: (B, C, H, W); mask: (B, T, H, W). */
void ddl_op_loss_forward (DdlCmd *cmd, const DdlLossConfig *cfg, DdlBinding values,
                          DdlBinding x, DdlBinding xa, DdlBinding rec_n, DdlBinding rec_a,
                          DdlBinding mask);

/* Gradients of dloss[0] * total (dloss with a NULL buffer: of the total itself).
 * Needs `values` as left by ddl_op_loss_forward earlier in the command.
 * drec_n, drec_a: (B, C, H, W), overwritten. dxa: (B, C, T, H, W), only frame
 * cfg->frame is touched: written, or added to when accumulate_dxa (the clip's
 * gradient from the network input is then kept); a NULL buffer when l is frozen. */
void ddl_op_loss_backward (DdlCmd *cmd, const DdlLossConfig *cfg,
                           DdlBinding drec_n, DdlBinding drec_a, DdlBinding dxa,
                           gboolean accumulate_dxa, DdlBinding values, DdlBinding dloss,
                           DdlBinding x, DdlBinding xa, DdlBinding rec_n, DdlBinding rec_a,
                           DdlBinding mask);

/* --- noise and counters ---------------------------------------------------------- */

/* state[index] += value on the device (noise counter, Adam step). */
void ddl_op_counter_add (DdlCmd *cmd, DdlBinding state, guint index, float value);

/* dst[0 .. n) = U[0, 1) from Philox-4x32-10 keyed by seed, counter (block, c, stream)
 * with c = state[counter_index], a float holding an integer < 2^24. The same seed,
 * counter and stream always give the same numbers; advance the counter between
 * replays (ddl_op_counter_add) for fresh noise. n < 2^32. */
void ddl_op_noise_uniform (DdlCmd *cmd, DdlBinding dst, guint64 n, guint64 seed,
                           guint32 stream, DdlBinding state, guint counter_index);

/* --- pseudo-anomaly blend ---------------------------------------------------------- */

/* xa = (1 - m) x + m ((1 - s) x + s a), s = sigmoid (l[l_index]).
 * x, noise, xa: (B, C, T, H, W) with thw = T * H * W; mask: (B, T, H, W). */
void ddl_op_pseudo_blend (DdlCmd *cmd, DdlBinding xa, DdlBinding x, DdlBinding noise,
                          DdlBinding mask, DdlBinding l, guint l_index, guint batch,
                          guint channels, guint64 thw);

/* dl[dl_index] += sum (dxa m (a - x)) s (1 - s); dx = dxa ((1 - m) + m (1 - s)) unless
 * dx's buffer is NULL. */
void ddl_op_pseudo_blend_backward (DdlCmd *cmd, DdlBinding dx, DdlBinding dl, guint dl_index,
                                   DdlBinding dxa, DdlBinding x, DdlBinding noise,
                                   DdlBinding mask, DdlBinding l, guint l_index, guint batch,
                                   guint channels, guint64 thw);

/* --- Adam ---------------------------------------------------------------------------- */

/* Double, like PyTorch's Python floats: 1 - beta and ln (beta) are formed in double
 * and rounded to float once. */
typedef struct {
  double beta1;
  double beta2;
  double eps;
} DdlAdamConfig;

/* torch.optim.Adam defaults: betas (0.9, 0.999), eps 1e-8. */
void ddl_adam_config_init (DdlAdamConfig *cfg);

/* Updates elements [first, first + n) of param, m and v from grad, with the step t
 * = state[state_index] (>= 1) and lr = state[state_index + 1], both floats. */
void ddl_op_adam_update (DdlCmd *cmd, const DdlAdamConfig *cfg, DdlBinding param,
                         DdlBinding m, DdlBinding v, DdlBinding grad, DdlBinding state,
                         guint state_index, guint64 first, guint64 n);

/* state[state_index] += 1, then ddl_op_adam_update: one replayable optimiser step.
 * Start from t = 0 and m = v = 0. */
void ddl_op_adam_step (DdlCmd *cmd, const DdlAdamConfig *cfg, DdlBinding param,
                       DdlBinding m, DdlBinding v, DdlBinding grad, DdlBinding state,
                       guint state_index, guint64 first, guint64 n);

/* --- frame scoring -------------------------------------------------------------------- */

typedef struct {
  guint batch;
  guint channels;
  guint height;
  guint width;
  guint frames;           /* x may be a clip (B, C, T, H, W); rec is (B, C, H, W) */
  guint frame;
  guint patch;            /* P, at most 128 */
  float divisor;
} DdlScoreConfig;

/* Defaults of the reference test code: P = 16, divisor sqrt (3) whatever C is. */
void ddl_score_config_init (DdlScoreConfig *cfg, guint batch, guint channels, guint height,
                            guint width);
/* Outer plus inner patches per frame (481 at 256 x 256, P = 16). */
guint ddl_score_n_patches (const DdlScoreConfig *cfg);

/* scores (B) = max patch mean of the error map ||x - rec|| / d; the map (B, H, W) is
 * kept in error_map unless its buffer is NULL. */
void ddl_op_score_frames (DdlCmd *cmd, const DdlScoreConfig *cfg, DdlBinding scores,
                          DdlBinding error_map, DdlBinding x, DdlBinding rec);

G_END_DECLS
