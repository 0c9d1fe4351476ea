/* Host side of the layers family: argument checks, the splitting of big batches
 * into binding-sized windows (shared with ddl-ops-layers-bn.c through
 * ddl-ops-layers-private.h), and the element-wise and data-movement operators.
 * BatchNorm2d is in ddl-ops-layers-bn.c, the benchmarks in ddl-ops-layers-bench.c. */
#include "ddl-ops-layers-private.h"

#include <stdarg.h>

static gsize max_binding = (gsize) 128 << 20;

void
ddl_op_layers_set_max_binding (gsize bytes)
{
  max_binding = bytes;
}

gsize
ddl_op_layers_get_max_binding (void)
{
  return max_binding;
}

void
ddl_layers_error (DdlCmd *cmd, DdlEngineError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  ddl_cmd_set_error (cmd, g_error_new_valist (DDL_ENGINE_ERROR, code, format, args));
  va_end (args);
}

gboolean
ddl_layers_check_binding (DdlCmd *cmd, const char *op, const char *what, DdlBinding b,
                          guint64 bytes)
{
  guint64 size, room;

  if (b.buffer == NULL)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: no buffer for %s", op, what);
      return FALSE;
    }
  size = ddl_buffer_get_size (b.buffer);
  room = b.offset >= size ? 0 : size - b.offset;
  if (b.size != 0)
    room = MIN (room, b.size);
  if (room < bytes)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: %s needs %" G_GUINT64_FORMAT
                        " bytes, its binding holds %" G_GUINT64_FORMAT, op, what, bytes, room);
      return FALSE;
    }
  return TRUE;
}

DdlBinding
ddl_layers_param_binding (DdlCmd *cmd, DdlBinding b, guint C, guint32 *element_offset)
{
  gsize align = ddl_engine_binding_alignment (ddl_cmd_get_engine (cmd));
  gsize extra = b.offset % align;

  *element_offset = (guint32) (extra / sizeof (float));
  return (DdlBinding) { b.buffer, b.offset - extra, extra + (gsize) C * sizeof (float) };
}

gboolean
ddl_layers_check_param (DdlCmd *cmd, const char *op, const char *what, DdlBinding b, guint C)
{
  if (b.offset % sizeof (float) != 0)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: %s starts at byte %" G_GSIZE_FORMAT
                        ", not at a float", op, what, b.offset);
      return FALSE;
    }
  return ddl_layers_check_binding (cmd, op, what, b, (guint64) C * sizeof (float));
}

guint
ddl_layers_row_vec (guint64 row)
{
  guint vec = 8;

  while (row % vec != 0)
    vec /= 2;
  return vec;
}

void
ddl_layers_dispatch_windows (DdlCmd           *cmd,
                             const char       *op,
                             DdlKernelId       kernel,
                             const DdlBinding *bindings,
                             const gsize      *image_bytes,
                             guint             n_bindings,
                             guint64           B,
                             guint64           work_per_image,
                             guint             vec,
                             void             *params,
                             DdlLayersWindow   fields)
{
  gsize align = ddl_engine_binding_alignment (ddl_cmd_get_engine (cmd));
  guint64 biggest = 0, step = 1, per = B;

  g_return_if_fail (n_bindings <= 8);
  if (B == 0 || work_per_image == 0)
    return;
  for (guint k = 0; k < n_bindings; k++)
    if (image_bytes[k] != 0)
      {
        /* A window of `step` images keeps every binding aligned (alignments are
         * powers of two). */
        gsize a = align;
        while (a > 1 && image_bytes[k] % a != 0)
          a /= 2;
        step = MAX (step, align / a);
        biggest = MAX (biggest, image_bytes[k]);
      }
  if (biggest > 0 && B * biggest > max_binding)
    per = max_binding / biggest;
  /* Kernels compute indices and offsets in 32 bits. */
  per = MIN (per, (guint64) G_MAXINT32 / work_per_image);
  if (per < B)
    per -= per % step;
  if (per == 0)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: cannot split %" G_GUINT64_FORMAT
                        " images of %" G_GUINT64_FORMAT " bytes into aligned windows of at most %"
                        G_GSIZE_FORMAT " bytes", op, B, biggest, max_binding);
      return;
    }

  for (guint64 first = 0; first < B; first += per)
    {
      guint64 count = MIN (per, B - first);
      DdlBinding window[8];

      for (guint k = 0; k < n_bindings; k++)
        {
          window[k] = bindings[k];
          if (image_bytes[k] != 0)
            {
              window[k].offset += first * image_bytes[k];
              window[k].size = count * image_bytes[k];
            }
        }
      if (fields.n != NULL)
        *fields.n = (guint32) (count * work_per_image);
      if (fields.batch != NULL)
        *fields.batch = (guint32) count;
      if (fields.first != NULL)
        *fields.first = (guint32) first;
      ddl_cmd_dispatch (cmd, kernel, window, params, (count * work_per_image + vec - 1) / vec);
    }
}

/* ---- Element-wise ----------------------------------------------------------- */

/* Elements per invocation of the flat element-wise kernels (see ddl_layers_row_vec). */
#define FLAT_VEC 8

/* A flat element-wise kernel over n floats; every binding but `fixed` (or none,
 * G_MAXUINT) is an n-float tensor. */
static void
elementwise (DdlCmd *cmd, const char *op, DdlKernelId kernel, const DdlBinding *bindings,
             const char *const *names, guint n_bindings, guint fixed, guint64 n, void *params,
             guint32 *n_field, guint32 *first_field)
{
  gsize bytes[4];

  g_assert (n_bindings <= G_N_ELEMENTS (bytes));
  for (guint k = 0; k < n_bindings; k++)
    {
      bytes[k] = k == fixed ? 0 : sizeof (float);
      if (k != fixed
          && !ddl_layers_check_binding (cmd, op, names[k], bindings[k], n * sizeof (float)))
        return;
    }
  ddl_layers_dispatch_windows (cmd, op, kernel, bindings, bytes, n_bindings, n, 1, FLAT_VEC,
                               params, (DdlLayersWindow) { n_field, NULL, first_field });
}

static void
activation (DdlCmd *cmd, const char *op, DdlKernelId kernel, DdlBinding out, DdlBinding a,
            DdlBinding b, gboolean backward, guint64 n)
{
  static const char *const fwd_names[] = { "x", "y" };
  static const char *const bwd_names[] = { "dy", "y", "dx" };
  DdlActParams p = { .vec = FLAT_VEC };
  DdlBinding bindings[] = { a, backward ? b : out, out };

  elementwise (cmd, op, kernel, bindings, backward ? bwd_names : fwd_names, backward ? 3 : 2,
               G_MAXUINT, n, &p, &p.n, NULL);
}

void
ddl_op_relu_fwd (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n)
{
  activation (cmd, "relu_fwd", DDL_KERNEL_act_relu_fwd, y, x, x, FALSE, n);
}

void
ddl_op_relu_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, DdlBinding y, guint64 n)
{
  activation (cmd, "relu_bwd", DDL_KERNEL_act_relu_bwd, dx, dy, y, TRUE, n);
}

void
ddl_op_sigmoid_fwd (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n)
{
  activation (cmd, "sigmoid_fwd", DDL_KERNEL_act_sigmoid_fwd, y, x, x, FALSE, n);
}

void
ddl_op_sigmoid_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, DdlBinding y, guint64 n)
{
  activation (cmd, "sigmoid_bwd", DDL_KERNEL_act_sigmoid_bwd, dx, dy, y, TRUE, n);
}

static void
dropout (DdlCmd *cmd, const char *op, DdlBinding dst, DdlBinding src, guint64 n, float p,
         guint32 seed, DdlBinding counter)
{
  static const char *const names[] = { "input", "counter", "output" };
  DdlDropoutParams params = { 0 };

  if (!(p >= 0.0f && p <= 1.0f))
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: drop probability %g is not in [0, 1]",
                        op, p);
      return;
    }
  if (p == 0.0f && counter.buffer == NULL)
    counter = src;   /* not read at p = 0 */
  if (!ddl_layers_check_param (cmd, op, "counter", counter, 1))
    return;
  params.vec = FLAT_VEC;
  params.seed = seed;
  params.p = p;
  params.scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  DdlBinding counter_b = ddl_layers_param_binding (cmd, counter, 1, &params.counter_off);
  DdlBinding bindings[] = { src, counter_b, dst };
  elementwise (cmd, op, DDL_KERNEL_dropout_apply, bindings, names, 3, 1, n, &params,
               &params.n, &params.first);
}

void
ddl_op_dropout_fwd (DdlCmd *cmd, DdlBinding y, DdlBinding x, guint64 n, float p, guint32 seed,
                    DdlBinding counter)
{
  dropout (cmd, "dropout_fwd", y, x, n, p, seed, counter);
}

void
ddl_op_dropout_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dy, guint64 n, float p, guint32 seed,
                    DdlBinding counter)
{
  dropout (cmd, "dropout_bwd", dx, dy, n, p, seed, counter);
}

/* ---- Data movement ---------------------------------------------------------- */

/* Fills in ctotal = channels for DDL_SLICE_ALL and checks that the slice fits. */
static gboolean
resolve_slice (DdlCmd *cmd, const char *op, const char *what, DdlChannelSlice *slice,
               guint channels)
{
  if (slice->ctotal == 0 && slice->c0 == 0)
    slice->ctotal = channels;
  if ((guint64) slice->c0 + channels > slice->ctotal)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: channels [%u, %" G_GUINT64_FORMAT
                        ") of %s do not fit its %u channels", op, slice->c0,
                        (guint64) slice->c0 + channels, what, slice->ctotal);
      return FALSE;
    }
  return TRUE;
}

/* Whether one image of `floats` floats can be indexed by the kernels at all. */
static gboolean
check_image (DdlCmd *cmd, const char *op, guint64 floats)
{
  if (floats > G_MAXINT32 / 2)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: one image of %" G_GUINT64_FORMAT
                        " floats is too large", op, floats);
      return FALSE;
    }
  return TRUE;
}

static void
shuffle (DdlCmd *cmd, const char *op, DdlKernelId kernel,
         DdlBinding dst, DdlChannelSlice dst_slice, DdlBinding src, DdlChannelSlice src_slice,
         guint B, guint C, guint H, guint W, gboolean accumulate)
{
  gboolean to_hi = kernel == DDL_KERNEL_pixel_shuffle;
  guint64 lo_plane = (guint64) H * W, hi_plane = 4 * lo_plane;
  guint dst_channels = to_hi ? C : 4 * C, src_channels = to_hi ? 4 * C : C;
  guint64 dst_plane = to_hi ? hi_plane : lo_plane, src_plane = to_hi ? lo_plane : hi_plane;
  DdlShuffleParams p = { 0 };

  if (B == 0 || C == 0 || H == 0 || W == 0)
    return;
  if (C > G_MAXUINT / 4
      || !resolve_slice (cmd, op, "the destination", &dst_slice, dst_channels)
      || !resolve_slice (cmd, op, "the source", &src_slice, src_channels)
      || !check_image (cmd, op, dst_slice.ctotal * dst_plane)
      || !check_image (cmd, op, src_slice.ctotal * src_plane))
    return;

  gsize bytes[] = { src_slice.ctotal * src_plane * sizeof (float),
                    dst_slice.ctotal * dst_plane * sizeof (float) };
  if (!ddl_layers_check_binding (cmd, op, "the source", src, B * bytes[0])
      || !ddl_layers_check_binding (cmd, op, "the destination", dst, B * bytes[1]))
    return;
  p.channels = C;
  p.height = H;
  p.width = W;
  p.in_c0 = src_slice.c0;
  p.in_ctotal = src_slice.ctotal;
  p.out_c0 = dst_slice.c0;
  p.out_ctotal = dst_slice.ctotal;
  p.accumulate = accumulate;
  DdlBinding bindings[] = { src, dst };
  p.vec = ddl_layers_row_vec (to_hi ? 2 * W : W);
  ddl_layers_dispatch_windows (cmd, op, kernel, bindings, bytes, 2, B, 4 * C * lo_plane, p.vec,
                               &p, (DdlLayersWindow) { &p.n, NULL, NULL });
}

void
ddl_op_pixel_shuffle_fwd (DdlCmd *cmd, DdlBinding hi, DdlChannelSlice hi_slice,
                          DdlBinding lo, DdlChannelSlice lo_slice,
                          guint B, guint C, guint H, guint W, gboolean accumulate)
{
  shuffle (cmd, "pixel_shuffle_fwd", DDL_KERNEL_pixel_shuffle, hi, hi_slice, lo, lo_slice,
           B, C, H, W, accumulate);
}

void
ddl_op_pixel_shuffle_bwd (DdlCmd *cmd, DdlBinding dlo, DdlChannelSlice dlo_slice,
                          DdlBinding dhi, DdlChannelSlice dhi_slice,
                          guint B, guint C, guint H, guint W, gboolean accumulate)
{
  shuffle (cmd, "pixel_shuffle_bwd", DDL_KERNEL_pixel_unshuffle, dlo, dlo_slice, dhi, dhi_slice,
           B, C, H, W, accumulate);
}

void
ddl_op_pixel_unshuffle_fwd (DdlCmd *cmd, DdlBinding lo, DdlChannelSlice lo_slice,
                            DdlBinding hi, DdlChannelSlice hi_slice,
                            guint B, guint C, guint H, guint W, gboolean accumulate)
{
  shuffle (cmd, "pixel_unshuffle_fwd", DDL_KERNEL_pixel_unshuffle, lo, lo_slice, hi, hi_slice,
           B, C, H, W, accumulate);
}

void
ddl_op_pixel_unshuffle_bwd (DdlCmd *cmd, DdlBinding dhi, DdlChannelSlice dhi_slice,
                            DdlBinding dlo, DdlChannelSlice dlo_slice,
                            guint B, guint C, guint H, guint W, gboolean accumulate)
{
  shuffle (cmd, "pixel_unshuffle_bwd", DDL_KERNEL_pixel_shuffle, dhi, dhi_slice, dlo, dlo_slice,
           B, C, H, W, accumulate);
}

/* Records tensor_copy4d over B images of a logical (B, d1, d2, d3) tensor; src and
 * dst hold src_image / dst_image floats per image (their s0 strides). */
static void
copy4d (DdlCmd *cmd, const char *op, DdlBinding dst, guint64 dst_image, DdlBinding src,
        guint64 src_image, guint B, DdlCopy4dParams *p)
{
  guint64 per_image = (guint64) p->d1 * p->d2 * p->d3;

  if (B == 0 || per_image == 0)
    return;
  if (!check_image (cmd, op, src_image) || !check_image (cmd, op, dst_image))
    return;
  gsize bytes[] = { src_image * sizeof (float), dst_image * sizeof (float) };
  if (!ddl_layers_check_binding (cmd, op, "the source", src, B * bytes[0])
      || !ddl_layers_check_binding (cmd, op, "the destination", dst, B * bytes[1]))
    return;
  p->src_s0 = (guint32) src_image;
  p->dst_s0 = (guint32) dst_image;
  DdlBinding bindings[] = { src, dst };
  p->vec = ddl_layers_row_vec (p->d3);
  ddl_layers_dispatch_windows (cmd, op, DDL_KERNEL_tensor_copy4d, bindings, bytes, 2, B,
                               per_image, p->vec, p, (DdlLayersWindow) { &p->n, NULL, NULL });
}

void
ddl_op_channel_copy (DdlCmd *cmd, DdlBinding dst, DdlChannelSlice dst_slice,
                     DdlBinding src, DdlChannelSlice src_slice,
                     guint B, guint C, guint HW, gboolean accumulate)
{
  const char *op = "channel_copy";
  DdlCopy4dParams p = { 0 };

  if (!resolve_slice (cmd, op, "the destination", &dst_slice, C)
      || !resolve_slice (cmd, op, "the source", &src_slice, C))
    return;
  p.d1 = C;
  p.d2 = 1;
  p.d3 = HW;
  p.src_off = src_slice.c0 * HW;
  p.src_s1 = HW;
  p.dst_off = dst_slice.c0 * HW;
  p.dst_s1 = HW;
  p.accumulate = accumulate;
  copy4d (cmd, op, dst, (guint64) dst_slice.ctotal * HW, src, (guint64) src_slice.ctotal * HW,
          B, &p);
}

static guint
total_channels (const guint *channels, guint n)
{
  guint64 total = 0;

  for (guint k = 0; k < n; k++)
    total += channels[k];
  return (guint) MIN (total, G_MAXUINT);
}

void
ddl_op_concat_fwd (DdlCmd *cmd, DdlBinding out, const DdlBinding *srcs, const guint *channels,
                   guint n, guint B, guint HW)
{
  guint total = total_channels (channels, n), c0 = 0;

  for (guint k = 0; k < n; k++)
    {
      ddl_op_channel_copy (cmd, out, DDL_SLICE (c0, total), srcs[k], DDL_SLICE_ALL, B,
                           channels[k], HW, FALSE);
      c0 += channels[k];
    }
}

void
ddl_op_concat_bwd (DdlCmd *cmd, const DdlBinding *dsts, const guint *channels, guint n,
                   DdlBinding dy, guint B, guint HW, gboolean accumulate)
{
  guint total = total_channels (channels, n), c0 = 0;

  for (guint k = 0; k < n; k++)
    {
      ddl_op_channel_copy (cmd, dsts[k], DDL_SLICE_ALL, dy, DDL_SLICE (c0, total), B,
                           channels[k], HW, accumulate);
      c0 += channels[k];
    }
}

void
ddl_op_clip_to_frames (DdlCmd *cmd, DdlBinding frames, DdlBinding clip,
                       guint B, guint C, guint T, guint HW, gboolean accumulate)
{
  guint64 image = (guint64) C * T * HW;
  /* Walk the frames (B, T, C, HW) in order; the clip is (B, C, T, HW). */
  DdlCopy4dParams p = {
    .d1 = T, .d2 = C, .d3 = HW,
    .src_s1 = HW, .src_s2 = T * HW,
    .dst_s1 = C * HW, .dst_s2 = HW,
    .accumulate = accumulate,
  };

  if (image > G_MAXINT32)
    {
      check_image (cmd, "clip_to_frames", image);
      return;
    }
  copy4d (cmd, "clip_to_frames", frames, image, clip, image, B, &p);
}

void
ddl_op_frames_to_clip (DdlCmd *cmd, DdlBinding clip, DdlBinding frames,
                       guint B, guint C, guint T, guint HW, gboolean accumulate)
{
  guint64 image = (guint64) C * T * HW;
  /* Walk the clip (B, C, T, HW) in order; the frames are (B, T, C, HW). */
  DdlCopy4dParams p = {
    .d1 = C, .d2 = T, .d3 = HW,
    .src_s1 = HW, .src_s2 = C * HW,
    .dst_s1 = T * HW, .dst_s2 = HW,
    .accumulate = accumulate,
  };

  if (image > G_MAXINT32)
    {
      check_image (cmd, "frames_to_clip", image);
      return;
    }
  copy4d (cmd, "frames_to_clip", clip, image, frames, image, B, &p);
}

static gboolean
check_frame (DdlCmd *cmd, const char *op, guint C, guint T, guint HW, guint t)
{
  if (t >= T)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: frame %u of a %u-frame clip", op, t, T);
      return FALSE;
    }
  return check_image (cmd, op, (guint64) C * T * HW);
}

void
ddl_op_frame_select_fwd (DdlCmd *cmd, DdlBinding out, DdlBinding clip,
                         guint B, guint C, guint T, guint HW, guint t)
{
  DdlCopy4dParams p = {
    .d1 = C, .d2 = 1, .d3 = HW,
    .src_off = t * HW, .src_s1 = T * HW,
    .dst_s1 = HW,
  };

  if (check_frame (cmd, "frame_select_fwd", C, T, HW, t))
    copy4d (cmd, "frame_select_fwd", out, (guint64) C * HW, clip, (guint64) C * T * HW, B, &p);
}

void
ddl_op_frame_select_bwd (DdlCmd *cmd, DdlBinding dclip, DdlBinding dout,
                         guint B, guint C, guint T, guint HW, guint t, gboolean accumulate)
{
  const char *op = "frame_select_bwd";

  if (!check_frame (cmd, op, C, T, HW, t))
    return;
  if (accumulate)
    {
      DdlCopy4dParams p = {
        .d1 = C, .d2 = 1, .d3 = HW,
        .src_s1 = HW,
        .dst_off = t * HW, .dst_s1 = T * HW,
        .accumulate = TRUE,
      };
      copy4d (cmd, op, dclip, (guint64) C * T * HW, dout, (guint64) C * HW, B, &p);
      return;
    }

  /* Every element of dclip is written: dout in frame t, zeros elsewhere. */
  DdlFrameScatterParams p = { .frames = T, .hw = HW, .frame = t, .vec = ddl_layers_row_vec (HW) };
  gsize bytes[] = { (gsize) C * HW * sizeof (float), (gsize) C * T * HW * sizeof (float) };
  DdlBinding bindings[] = { dout, dclip };

  if (B == 0 || C == 0 || HW == 0
      || !ddl_layers_check_binding (cmd, op, "dout", dout, B * bytes[0])
      || !ddl_layers_check_binding (cmd, op, "dclip", dclip, B * bytes[1]))
    return;
  ddl_layers_dispatch_windows (cmd, op, DDL_KERNEL_tensor_frame_bwd, bindings, bytes, 2, B,
                               (guint64) C * T * HW, p.vec, &p,
                               (DdlLayersWindow) { &p.n, NULL, NULL });
}
