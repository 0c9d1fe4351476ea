/* The DDL networks as recorded sequences of operators (llm.c's gpt2_forward
 * style, one function per stage). A training graph records, once, the whole step:
 * pseudo-anomaly creation, the clean and the pseudo-anomalous forward passes in
 * train mode, the loss, both backward passes (parameter gradients summed), the
 * gradient of l and Adam. Every step replays it. */
#include "ddl-model-private.h"
#include "ddl-ops.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

typedef struct {
  DdlBuffer *z1, *y1, *drop, *mean1, *invstd1, *u, *z2, *out, *mean2, *invstd2;
} BlockActs;

typedef struct {
  DdlBuffer *frames;           /* encoder input (B*T, C, H, W) */
  BlockActs  enc[4], dec[4];
  DdlBuffer *bottom;           /* decoder input (B, L, H/16, W/16) */
  DdlBuffer *cat[3];           /* inputs of dec[1..3]: block output ++ skip */
  DdlBuffer *rec;              /* sigmoid of dec[3]'s output */
} PassActs;

typedef struct {
  DdlBuffer *dz2, *du, *dy1, *dz1, *dout;
} BlockGrads;

struct _DdlGraph {
  DdlModel   *model;
  gboolean    train;
  guint       B, N, T, C, H, W;
  DdlCmd     *cmd;
  GPtrArray  *buffers;         /* everything below, owned */
  DdlBuffer  *x, *mask, *noise, *xa;
  DdlBuffer  *values, *scores, *maps;
  PassActs    clean, pseudo;
  BlockGrads  genc[4], gdec[4];
  DdlBuffer  *dbottom, *dcat[3], *dframes, *dxa, *drec_n, *drec_a;
  guint       bn_updates;      /* BN running-stat updates per step (passes) */
};

static DdlBuffer *
alloc (DdlGraph *g, guint64 n_floats)
{
  DdlBuffer *b;
  if (ddl_cmd_get_error (g->cmd) != NULL)
    return NULL;
  b = ddl_cmd_scratch (g->cmd, MAX (n_floats, 1) * 4);
  return b;
}

#define P(g, off, n) DDL_BIND_FLOATS ((g)->model->params, (off), (n))
#define G(g, off, n) DDL_BIND_FLOATS ((g)->model->grads, (off), (n))
#define S(g, off, n) DDL_BIND_FLOATS ((g)->model->state, (off), (n))
#define B_(buf) DDL_BIND (buf)

static guint
concat_channels (const DdlBlockSlot *s)
{
  return 3 * (s->decode ? 4 : 1) * s->cout;
}

static guint
shuffled_channels (const DdlBlockSlot *s)
{
  return s->decode ? concat_channels (s) / 4 : concat_channels (s) * 4;
}

static void
alloc_block (DdlGraph *g, const DdlBlockSlot *s, BlockActs *a, guint n, guint h, guint w)
{
  guint c1 = concat_channels (s);
  guint ho = s->decode ? 2 * h : h / 2, wo = s->decode ? 2 * w : w / 2;
  a->z1 = alloc (g, (guint64) n * c1 * h * w);
  a->y1 = alloc (g, (guint64) n * c1 * h * w);
  a->drop = g->model->config.dropout > 0 ? alloc (g, (guint64) n * c1 * h * w) : a->y1;
  a->mean1 = alloc (g, c1);
  a->invstd1 = alloc (g, c1);
  a->u = alloc (g, (guint64) n * shuffled_channels (s) * ho * wo);
  a->z2 = alloc (g, (guint64) n * s->cout * ho * wo);
  a->out = s->last ? a->z2 : alloc (g, (guint64) n * s->cout * ho * wo);
  a->mean2 = alloc (g, s->cout);
  a->invstd2 = alloc (g, s->cout);
}

static void
alloc_block_grads (DdlGraph *g, const DdlBlockSlot *s, BlockGrads *d, guint n, guint h, guint w)
{
  guint c1 = concat_channels (s);
  guint ho = s->decode ? 2 * h : h / 2, wo = s->decode ? 2 * w : w / 2;
  d->dz1 = alloc (g, (guint64) n * c1 * h * w);
  d->dy1 = alloc (g, (guint64) n * c1 * h * w);
  d->du = alloc (g, (guint64) n * shuffled_channels (s) * ho * wo);
  d->dz2 = alloc (g, (guint64) n * s->cout * ho * wo);
  d->dout = alloc (g, (guint64) n * s->cout * ho * wo);
}

/* Level geometry: encoder block i reads (H >> i) and writes (H >> (i + 1));
 * decoder block j reads (H >> (4 - j)) and writes (H >> (3 - j)). */
static void
alloc_pass (DdlGraph *g, PassActs *p)
{
  DdlParamTable *t = g->model->table;
  p->frames = g->model->config.arch == DDL_ARCH_C3DSU
              ? alloc (g, (guint64) g->N * g->C * g->H * g->W) : NULL;
  for (guint i = 0; i < 4; i++)
    alloc_block (g, &t->enc[i], &p->enc[i], g->N, g->H >> i, g->W >> i);
  for (guint j = 0; j < 4; j++)
    alloc_block (g, &t->dec[j], &p->dec[j], g->B, g->H >> (4 - j), g->W >> (4 - j));
  p->bottom = alloc (g, (guint64) g->B * t->widths[3] * (g->H >> 4) * (g->W >> 4));
  for (guint j = 0; j < 3; j++)
    p->cat[j] = alloc (g, (guint64) g->B * 2 * t->widths[2 - j] * (g->H >> (3 - j))
                             * (g->W >> (3 - j)));
  p->rec = alloc (g, (guint64) g->B * g->C * g->H * g->W);
}

static DdlConv2dShape
conv_shape (guint n, guint cin, guint cout, guint h, guint w, guint k)
{
  return (DdlConv2dShape) { .B = n, .Cin = cin, .Cout = cout, .H = h, .W = w, .K = k };
}

/* One ConvBlock2d on `in` (n, cin, h, w) in train or eval mode. */
static void
block_forward (DdlGraph *g, const DdlBlockSlot *s, BlockActs *a, DdlBinding in, guint n,
               guint h, guint w)
{
  DdlCmd *cmd = g->cmd;
  guint kin = s->decode ? 4 : 1, c1 = concat_channels (s), cu = shuffled_channels (s);
  guint ho = s->decode ? 2 * h : h / 2, wo = s->decode ? 2 * w : w / 2;
  float p = g->model->config.dropout;

  for (guint k = 0; k < 3; k++)
    {
      DdlConv2dShape cs = conv_shape (n, s->cin, kin * s->cout, h, w, ddl_block_kernels[k]);
      guint64 wn = (guint64) kin * s->cout * s->cin * cs.K * cs.K;
      cs.out_ctotal = c1;
      cs.out_c0 = k * kin * s->cout;
      ddl_op_conv2d_fwd (cmd, &cs, B_ (a->z1), in, P (g, s->convs[k].weight, wn),
                         P (g, s->convs[k].bias, kin * s->cout));
    }
  if (g->train)
    ddl_op_batchnorm_fwd_train (cmd, B_ (a->y1), B_ (a->mean1), B_ (a->invstd1),
                                S (g, s->bn1.mean, c1), S (g, s->bn1.var, c1), B_ (a->z1),
                                P (g, s->bn1.gamma, c1), P (g, s->bn1.beta, c1), n, c1, h, w,
                                DDL_BATCHNORM_EPS, DDL_BATCHNORM_MOMENTUM, TRUE);
  else
    ddl_op_batchnorm_fwd_eval (cmd, B_ (a->y1), B_ (a->z1), P (g, s->bn1.gamma, c1),
                               P (g, s->bn1.beta, c1), S (g, s->bn1.mean, c1),
                               S (g, s->bn1.var, c1), n, c1, h, w, DDL_BATCHNORM_EPS, TRUE);
  if (p > 0 && g->train)
    ddl_op_dropout_fwd (cmd, B_ (a->drop), B_ (a->y1), (guint64) n * c1 * h * w, p,
                        (guint32) g->model->config.seed,
                        DDL_BIND_FLOATS (g->model->control, DDL_CONTROL_DROPOUT, 1));
  else if (a->drop != a->y1)
    a->drop = a->y1;
  if (s->decode)
    ddl_op_pixel_shuffle_fwd (cmd, B_ (a->u), DDL_SLICE_ALL, B_ (a->drop), DDL_SLICE_ALL, n, cu,
                              h, w, FALSE);
  else
    ddl_op_pixel_unshuffle_fwd (cmd, B_ (a->u), DDL_SLICE_ALL, B_ (a->drop), DDL_SLICE_ALL, n, c1,
                                ho, wo, FALSE);
  DdlConv2dShape cl = conv_shape (n, cu, s->cout, ho, wo, 1);
  ddl_op_conv2d_fwd (cmd, &cl, B_ (a->z2), B_ (a->u),
                     P (g, s->conv_last.weight, (guint64) cu * s->cout),
                     P (g, s->conv_last.bias, s->cout));
  if (s->last)
    return;
  if (g->train)
    ddl_op_batchnorm_fwd_train (cmd, B_ (a->out), B_ (a->mean2), B_ (a->invstd2),
                                S (g, s->bn2.mean, s->cout), S (g, s->bn2.var, s->cout),
                                B_ (a->z2), P (g, s->bn2.gamma, s->cout),
                                P (g, s->bn2.beta, s->cout), n, s->cout, ho, wo,
                                DDL_BATCHNORM_EPS, DDL_BATCHNORM_MOMENTUM, TRUE);
  else
    ddl_op_batchnorm_fwd_eval (cmd, B_ (a->out), B_ (a->z2), P (g, s->bn2.gamma, s->cout),
                               P (g, s->bn2.beta, s->cout), S (g, s->bn2.mean, s->cout),
                               S (g, s->bn2.var, s->cout), n, s->cout, ho, wo,
                               DDL_BATCHNORM_EPS, TRUE);
}

/* Backward of block_forward given dout (the gradient of its output). The input
 * gradient goes to din (added if din_accumulate) unless din has no buffer;
 * parameter gradients are stored, or added with params_accumulate. */
static void
block_backward (DdlGraph *g, const DdlBlockSlot *s, BlockActs *a, BlockGrads *d, DdlBinding in,
                DdlBinding dout, DdlBinding din, gboolean din_accumulate,
                gboolean params_accumulate, guint n, guint h, guint w)
{
  DdlCmd *cmd = g->cmd;
  guint kin = s->decode ? 4 : 1, c1 = concat_channels (s), cu = shuffled_channels (s);
  guint ho = s->decode ? 2 * h : h / 2, wo = s->decode ? 2 * w : w / 2;
  float p = g->model->config.dropout;
  DdlBinding dz2 = dout;

  if (!s->last)
    {
      dz2 = B_ (d->dz2);
      ddl_op_batchnorm_bwd (cmd, dz2, G (g, s->bn2.gamma, s->cout), G (g, s->bn2.beta, s->cout),
                            dout, B_ (a->z2), B_ (a->out), B_ (a->mean2), B_ (a->invstd2),
                            P (g, s->bn2.gamma, s->cout), n, s->cout, ho, wo, TRUE,
                            params_accumulate);
    }
  DdlConv2dShape cl = conv_shape (n, cu, s->cout, ho, wo, 1);
  ddl_op_conv2d_bwd_weight (cmd, &cl, G (g, s->conv_last.weight, (guint64) cu * s->cout),
                            G (g, s->conv_last.bias, s->cout), B_ (a->u), dz2, params_accumulate);
  ddl_op_conv2d_bwd_data (cmd, &cl, B_ (d->du), dz2,
                          P (g, s->conv_last.weight, (guint64) cu * s->cout), FALSE);
  if (s->decode)
    ddl_op_pixel_shuffle_bwd (cmd, B_ (d->dy1), DDL_SLICE_ALL, B_ (d->du), DDL_SLICE_ALL, n, cu,
                              h, w, FALSE);
  else
    ddl_op_pixel_unshuffle_bwd (cmd, B_ (d->dy1), DDL_SLICE_ALL, B_ (d->du), DDL_SLICE_ALL, n, c1,
                                ho, wo, FALSE);
  if (p > 0)
    ddl_op_dropout_bwd (cmd, B_ (d->dy1), B_ (d->dy1), (guint64) n * c1 * h * w, p,
                        (guint32) g->model->config.seed,
                        DDL_BIND_FLOATS (g->model->control, DDL_CONTROL_DROPOUT, 1));
  ddl_op_batchnorm_bwd (cmd, B_ (d->dz1), G (g, s->bn1.gamma, c1), G (g, s->bn1.beta, c1),
                        B_ (d->dy1), B_ (a->z1), B_ (a->y1), B_ (a->mean1), B_ (a->invstd1),
                        P (g, s->bn1.gamma, c1), n, c1, h, w, TRUE, params_accumulate);
  for (guint k = 0; k < 3; k++)
    {
      DdlConv2dShape cs = conv_shape (n, s->cin, kin * s->cout, h, w, ddl_block_kernels[k]);
      guint64 wn = (guint64) kin * s->cout * s->cin * cs.K * cs.K;
      cs.out_ctotal = c1;
      cs.out_c0 = k * kin * s->cout;
      ddl_op_conv2d_bwd_weight (cmd, &cs, G (g, s->convs[k].weight, wn),
                                G (g, s->convs[k].bias, kin * s->cout), in, B_ (d->dz1),
                                params_accumulate);
      if (din.buffer != NULL)
        ddl_op_conv2d_bwd_data (cmd, &cs, din, B_ (d->dz1), P (g, s->convs[k].weight, wn),
                                din_accumulate || k > 0);
    }
}

/* Conv3d (T, 3, 3) of encoder level i (frames layout) into the decoder's input:
 * the centre frame only, written at channel offset c0 of a tensor with ctotal
 * channels. */
static DdlConv3dShape
skip_shape (DdlGraph *g, guint i, guint c0, guint ctotal)
{
  guint c = g->model->table->widths[i], h = g->H >> (i + 1), w = g->W >> (i + 1);
  guint t0 = (g->T - 1) / 2;
  DdlConv3dShape s;
  ddl_conv3d_shape_init (&s, g->B, c, c, g->T, h, w, g->T, t0, t0 + 1, DDL_CONV3D_FRAMES,
                         DDL_CONV3D_NCTHW);
  s.out_sB = (guint64) ctotal * h * w;
  s.out_sC = (guint64) h * w;
  s.out_offset = (guint64) c0 * h * w;
  return s;
}

/* Where skip i lands: the bottom tensor (i = 3) or the second half of cat[2 - i]. */
static DdlBuffer *
skip_target (PassActs *p, guint i, guint *c0, guint *ctotal, const guint *widths)
{
  if (i == 3)
    {
      *c0 = 0;
      *ctotal = widths[3];
      return p->bottom;
    }
  *c0 = widths[i];
  *ctotal = 2 * widths[i];
  return p->cat[2 - i];
}

static void
pass_forward (DdlGraph *g, PassActs *p, DdlBuffer *clip)
{
  DdlCmd *cmd = g->cmd;
  DdlParamTable *t = g->model->table;
  const guint *wd = t->widths;
  gboolean c3d = g->model->config.arch == DDL_ARCH_C3DSU;
  guint HW = g->H * g->W;
  DdlBinding in;

  if (c3d)
    {
      ddl_op_clip_to_frames (cmd, B_ (p->frames), B_ (clip), g->B, g->C, g->T, HW, FALSE);
      in = B_ (p->frames);
    }
  else
    in = B_ (clip);  /* T = 1: the clip is the frame batch */
  for (guint i = 0; i < 4; i++)
    {
      block_forward (g, &t->enc[i], &p->enc[i], in, g->N, g->H >> i, g->W >> i);
      in = B_ (p->enc[i].out);
    }
  for (guint i = 0; i < 4; i++)
    {
      guint c0, ctotal, hw = (g->H >> (i + 1)) * (g->W >> (i + 1));
      DdlBuffer *target = skip_target (p, i, &c0, &ctotal, wd);
      if (c3d)
        {
          DdlConv3dShape s = skip_shape (g, i, c0, ctotal);
          ddl_op_conv3d_fwd (cmd, &s, B_ (target), B_ (p->enc[i].out),
                             P (g, t->skip[i].weight, (guint64) wd[i] * wd[i] * g->T * 9),
                             P (g, t->skip[i].bias, wd[i]));
        }
      else
        ddl_op_channel_copy (cmd, B_ (target), DDL_SLICE (c0, ctotal), B_ (p->enc[i].out),
                             DDL_SLICE_ALL, g->B, wd[i], hw, FALSE);
    }
  in = B_ (p->bottom);
  for (guint j = 0; j < 4; j++)
    {
      guint h = g->H >> (4 - j), w = g->W >> (4 - j);
      block_forward (g, &t->dec[j], &p->dec[j], in, g->B, h, w);
      if (j < 3)
        {
          guint c = t->dec[j].cout, hw = 4 * h * w;
          ddl_op_channel_copy (cmd, B_ (p->cat[j]), DDL_SLICE (0, 2 * c), B_ (p->dec[j].out),
                               DDL_SLICE_ALL, g->B, c, hw, FALSE);
          in = B_ (p->cat[j]);
        }
    }
  ddl_op_sigmoid_fwd (cmd, B_ (p->rec), B_ (p->dec[3].out), (guint64) g->B * g->C * HW);
}

/* Backward of pass_forward from drec. dclip (B, C, T, H, W) receives the input
 * gradient (added) unless NULL. */
static void
pass_backward (DdlGraph *g, PassActs *p, DdlBuffer *clip, DdlBuffer *drec, DdlBuffer *dclip,
               gboolean params_accumulate)
{
  DdlCmd *cmd = g->cmd;
  DdlParamTable *t = g->model->table;
  const guint *wd = t->widths;
  gboolean c3d = g->model->config.arch == DDL_ARCH_C3DSU;
  guint HW = g->H * g->W;

  /* sigmoid, then the decoder from its last block up. */
  ddl_op_sigmoid_bwd (cmd, B_ (g->gdec[3].dout), B_ (drec), B_ (p->rec),
                      (guint64) g->B * g->C * HW);
  for (int j = 3; j >= 0; j--)
    {
      guint h = g->H >> (4 - j), w = g->W >> (4 - j);
      DdlBinding in = j == 0 ? B_ (p->bottom) : B_ (p->cat[j - 1]);
      DdlBinding din = j == 0 ? B_ (g->dbottom) : B_ (g->dcat[j - 1]);
      block_backward (g, &t->dec[j], &p->dec[j], &g->gdec[j], in, B_ (g->gdec[j].dout), din,
                      FALSE, params_accumulate, g->B, h, w);
      if (j > 0)  /* split: the block half of the concat gradient */
        ddl_op_channel_copy (cmd, B_ (g->gdec[j - 1].dout), DDL_SLICE_ALL, B_ (g->dcat[j - 1]),
                             DDL_SLICE (0, 2 * t->dec[j - 1].cout), g->B, t->dec[j - 1].cout,
                             h * w, FALSE);
    }
  /* Skips: gradients into the encoder outputs (stored; the next encoder block's
   * input gradient is added below). */
  for (guint i = 0; i < 4; i++)
    {
      guint c0, ctotal, hw = (g->H >> (i + 1)) * (g->W >> (i + 1));
      DdlBuffer *dtarget = i == 3 ? g->dbottom : g->dcat[2 - i];
      skip_target (p, i, &c0, &ctotal, wd);
      if (c3d)
        {
          DdlConv3dShape s = skip_shape (g, i, c0, ctotal);
          ddl_op_conv3d_bwd_weight (cmd, &s,
                                    G (g, t->skip[i].weight, (guint64) wd[i] * wd[i] * g->T * 9),
                                    G (g, t->skip[i].bias, wd[i]), B_ (dtarget),
                                    B_ (p->enc[i].out), params_accumulate);
          ddl_op_conv3d_bwd_data (cmd, &s, B_ (g->genc[i].dout), B_ (dtarget),
                                  P (g, t->skip[i].weight, (guint64) wd[i] * wd[i] * g->T * 9),
                                  FALSE);
        }
      else
        ddl_op_channel_copy (cmd, B_ (g->genc[i].dout), DDL_SLICE_ALL, B_ (dtarget),
                             DDL_SLICE (c0, ctotal), g->B, wd[i], hw, FALSE);
    }
  for (int i = 3; i >= 0; i--)
    {
      DdlBinding in = i == 0 ? (c3d ? B_ (p->frames) : B_ (clip)) : B_ (p->enc[i - 1].out);
      DdlBinding din = { 0 };
      if (i > 0)
        din = B_ (g->genc[i - 1].dout);
      else if (dclip != NULL)
        din = B_ (c3d ? g->dframes : dclip);
      block_backward (g, &t->enc[i], &p->enc[i], &g->genc[i], in, B_ (g->genc[i].dout), din,
                      i > 0 || !c3d, params_accumulate, g->N, g->H >> i, g->W >> i);
    }
  if (dclip != NULL && c3d)
    ddl_op_frames_to_clip (cmd, B_ (dclip), B_ (g->dframes), g->B, g->C, g->T, HW, TRUE);
}

static DdlGraph *
graph_alloc (DdlModel *model, gboolean train, guint batch)
{
  const DdlModelConfig *c = &model->config;
  DdlGraph *g = g_new0 (DdlGraph, 1);
  g->model = model;
  g->train = train;
  g->B = batch;
  g->T = c->temporal;
  g->N = batch * c->temporal;
  g->C = c->channels;
  g->H = c->height;
  g->W = c->width;
  g->cmd = ddl_cmd_new (model->engine);
  return g;
}

void
ddl_graph_free (DdlGraph *graph)
{
  if (graph == NULL)
    return;
  ddl_cmd_free (graph->cmd);  /* owns every buffer of the graph */
  g_free (graph);
}

static gboolean
finish (DdlGraph *g, GError **error)
{
  const GError *e = ddl_cmd_get_error (g->cmd);
  if (e != NULL)
    {
      g_set_error (error, e->domain, e->code, "Cannot build the %s graph of this model: %s",
                   g->train ? "training" : "scoring", e->message);
      return FALSE;
    }
  return TRUE;
}

static void
loss_config (DdlGraph *g, DdlLossConfig *lc)
{
  const DdlModelConfig *c = &g->model->config;
  ddl_loss_config_init (lc, g->B, g->C, g->H, g->W);
  lc->frames = g->T;
  lc->frame = (g->T - 1) / 2;
  lc->lambda = c->lambda;
  lc->distinction = c->mode != DDL_MODE_BASELINE;
  lc->norm_ratio = c->dist == DDL_DIST_PAPER;
}

DdlGraph *
ddl_graph_new_train (DdlModel *model, GError **error)
{
  const DdlModelConfig *c = &model->config;
  DdlParamTable *t = model->table;
  DdlGraph *g = graph_alloc (model, TRUE, c->batch);
  DdlCmd *cmd = g->cmd;
  gboolean pseudo = c->mode != DDL_MODE_BASELINE;
  gboolean learn_l = c->mode == DDL_MODE_DDL;
  guint64 clip_n = (guint64) g->B * g->C * g->T * g->H * g->W;
  guint64 frame_n = (guint64) g->B * g->C * g->H * g->W;
  DdlLossConfig lc;
  DdlAdamConfig ac;

  g->x = alloc (g, clip_n);
  g->mask = alloc (g, (guint64) g->B * g->T * g->H * g->W);
  g->values = alloc (g, DDL_LOSS_N_VALUES);
  alloc_pass (g, &g->clean);
  if (pseudo)
    {
      g->noise = alloc (g, clip_n);
      g->xa = alloc (g, clip_n);
      alloc_pass (g, &g->pseudo);
      g->drec_a = alloc (g, frame_n);
      /* The gradient reaching the pseudo-anomalous clip only matters when l learns. */
      g->dxa = learn_l ? alloc (g, clip_n) : NULL;
    }
  for (guint i = 0; i < 4; i++)
    alloc_block_grads (g, &t->enc[i], &g->genc[i], g->N, g->H >> i, g->W >> i);
  for (guint j = 0; j < 4; j++)
    alloc_block_grads (g, &t->dec[j], &g->gdec[j], g->B, g->H >> (4 - j), g->W >> (4 - j));
  g->dbottom = alloc (g, (guint64) g->B * t->widths[3] * (g->H >> 4) * (g->W >> 4));
  for (guint j = 0; j < 3; j++)
    g->dcat[j] = alloc (g, (guint64) g->B * 2 * t->widths[2 - j] * (g->H >> (3 - j))
                              * (g->W >> (3 - j)));
  g->dframes = c->arch == DDL_ARCH_C3DSU ? alloc (g, (guint64) g->N * g->C * g->H * g->W) : NULL;
  g->drec_n = alloc (g, frame_n);
  if (!finish (g, error))
    {
      ddl_graph_free (g);
      return NULL;
    }

  /* 1. The pseudo-anomalous clip: X_A = X + M sigma(l) (A - X). SDL reads the
   *    fixed logit of its static weight from the control buffer instead of l. */
  DdlBinding l = learn_l ? DDL_BIND_FLOATS (model->params, t->anomaly, 1)
                         : DDL_BIND_FLOATS (model->control, DDL_CONTROL_STATIC_L, 1);
  if (pseudo)
    {
      ddl_op_noise_uniform (cmd, B_ (g->noise), clip_n, c->seed, 0, B_ (model->control),
                            DDL_CONTROL_NOISE);
      ddl_op_pseudo_blend (cmd, B_ (g->xa), B_ (g->x), B_ (g->noise), B_ (g->mask), l, 0,
                           g->B, g->C, (guint64) g->T * g->H * g->W);
    }

  /* 2. Both forward passes in train mode (each with its own batch statistics). */
  pass_forward (g, &g->clean, g->x);
  if (pseudo)
    pass_forward (g, &g->pseudo, g->xa);
  g->bn_updates = pseudo ? 2 : 1;

  /* 3. The loss. */
  loss_config (g, &lc);
  ddl_op_loss_forward (cmd, &lc, B_ (g->values), B_ (g->x), pseudo ? B_ (g->xa) : DDL_BIND_NONE,
                       B_ (g->clean.rec), pseudo ? B_ (g->pseudo.rec) : DDL_BIND_NONE,
                       pseudo ? B_ (g->mask) : DDL_BIND_NONE);

  /* 4. Backward: the loss, then the pseudo pass (its input gradient feeds l), then
   *    the clean pass, parameter gradients summed. */
  if (learn_l)
    {
      DdlFillParams zero = { clip_n, 0.0f };
      ddl_cmd_dispatch (cmd, DDL_KERNEL_fill, (DdlBinding[]) { B_ (g->dxa) }, &zero, clip_n);
      DdlFillParams zero_l = { 1, 0.0f };
      ddl_cmd_dispatch (cmd, DDL_KERNEL_fill,
                        (DdlBinding[]) { DDL_BIND_FLOATS (model->grads, t->anomaly, 1) },
                        &zero_l, 1);
    }
  ddl_op_loss_backward (cmd, &lc, B_ (g->drec_n), pseudo ? B_ (g->drec_a) : DDL_BIND_NONE,
                        learn_l ? B_ (g->dxa) : DDL_BIND_NONE, learn_l, B_ (g->values),
                        DDL_BIND_NONE, B_ (g->x), pseudo ? B_ (g->xa) : DDL_BIND_NONE,
                        B_ (g->clean.rec), pseudo ? B_ (g->pseudo.rec) : DDL_BIND_NONE,
                        pseudo ? B_ (g->mask) : DDL_BIND_NONE);
  if (pseudo)
    {
      pass_backward (g, &g->pseudo, g->xa, g->drec_a, learn_l ? g->dxa : NULL, FALSE);
      if (learn_l)
        ddl_op_pseudo_blend_backward (cmd, DDL_BIND_NONE, B_ (model->grads), t->anomaly,
                                      B_ (g->dxa), B_ (g->x), B_ (g->noise), B_ (g->mask), l, 0,
                                      g->B, g->C, (guint64) g->T * g->H * g->W);
    }
  pass_backward (g, &g->clean, g->x, g->drec_n, NULL, pseudo);

  /* 5. Adam over the network, and over l in DDL mode; then fresh noise next time. */
  ddl_adam_config_init (&ac);
  ddl_op_adam_step (cmd, &ac, B_ (model->params), B_ (model->adam_m), B_ (model->adam_v),
                    B_ (model->grads), B_ (model->control), DDL_CONTROL_ADAM_T, 0,
                    learn_l ? t->n_params : t->network_end);
  if (pseudo)
    ddl_op_counter_add (cmd, B_ (model->control), DDL_CONTROL_NOISE, 1.0f);
  if (c->dropout > 0)
    ddl_op_counter_add (cmd, B_ (model->control), DDL_CONTROL_DROPOUT, 1.0f);

  if (!finish (g, error))
    {
      ddl_graph_free (g);
      return NULL;
    }
  return g;
}

DdlGraph *
ddl_graph_new_infer (DdlModel *model, guint batch, GError **error)
{
  const DdlModelConfig *c = &model->config;
  DdlGraph *g = graph_alloc (model, FALSE, batch);
  DdlScoreConfig sc;

  g->x = alloc (g, (guint64) g->B * g->C * g->T * g->H * g->W);
  g->scores = alloc (g, g->B);
  g->maps = alloc (g, (guint64) g->B * g->H * g->W);
  alloc_pass (g, &g->clean);
  if (!finish (g, error))
    {
      ddl_graph_free (g);
      return NULL;
    }
  pass_forward (g, &g->clean, g->x);
  ddl_score_config_init (&sc, g->B, g->C, g->H, g->W);
  sc.frames = g->T;
  sc.frame = (g->T - 1) / 2;
  sc.patch = c->patch;
  sc.divisor = c->score_sqrt3 ? sqrtf (3.0f) : sqrtf ((float) g->C);
  ddl_op_score_frames (g->cmd, &sc, B_ (g->scores), B_ (g->maps), B_ (g->x), B_ (g->clean.rec));
  if (!finish (g, error))
    {
      ddl_graph_free (g);
      return NULL;
    }
  return g;
}

guint
ddl_graph_bn_updates_per_step (DdlGraph *graph)
{
  return graph->bn_updates;
}

gboolean
ddl_graph_run_train (DdlGraph *g, const float *clips, const float *masks, DdlStepStats *stats,
                     GError **error)
{
  DdlModel *model = g->model;
  const DdlModelConfig *c = &model->config;
  guint64 clip_n = (guint64) g->B * g->C * g->T * g->H * g->W;
  guint64 mask_n = (guint64) g->B * g->T * g->H * g->W;
  float values[DDL_LOSS_N_VALUES];

  memset (stats, 0, sizeof *stats);
  if (c->mode != DDL_MODE_BASELINE)
    {
      guint64 any = 0;
      for (guint64 i = 0; i < mask_n; i++)
        any += masks[i] != 0.0f;
      /* The reference skips a batch in which no sample has a track (mask.sum() == 0). */
      if (any == 0)
        {
          stats->skipped = TRUE;
          stats->sigma = ddl_model_get_anomaly_weight (model);
          return TRUE;
        }
      if (!ddl_buffer_write (g->mask, 0, masks, mask_n * 4, error))
        return FALSE;
    }
  stats->sigma = ddl_model_get_anomaly_weight (model);
  if (!ddl_buffer_write (g->x, 0, clips, clip_n * 4, error)
      || !ddl_cmd_run (g->cmd, error)
      || !ddl_model_read_floats (g->values, 0, values, DDL_LOSS_N_VALUES, error))
    return FALSE;
  stats->recon = values[DDL_LOSS_RECON];
  stats->dist = values[DDL_LOSS_DIST];
  stats->total = values[DDL_LOSS_TOTAL];
  stats->masked = (guint64) values[DDL_LOSS_COUNT];
  if (!isfinite (stats->total))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The loss became %s at step %" G_GUINT64_FORMAT " (L_recon %g, L_dist %g); "
                   "the weights are no longer usable — lower the learning rate or resume from "
                   "the last checkpoint", isnan (stats->total) ? "NaN" : "infinite",
                   model->step + 1, stats->recon, stats->dist);
      return FALSE;
    }
  return TRUE;
}

gboolean
ddl_graph_run_infer (DdlGraph *g, const float *clips, guint n, float *scores, float *maps,
                     float *recs, GError **error)
{
  guint64 clip_n = (guint64) g->C * g->T * g->H * g->W;
  guint64 hw = (guint64) g->H * g->W;

  g_return_val_if_fail (n <= g->B, FALSE);
  if (!ddl_buffer_write (g->x, 0, clips, n * clip_n * 4, error))
    return FALSE;
  if (n < g->B)  /* eval mode treats samples independently: pad with zeros */
    {
      g_autofree float *zeros = g_new0 (float, (g->B - n) * clip_n);
      if (!ddl_buffer_write (g->x, n * clip_n * 4, zeros, (g->B - n) * clip_n * 4, error))
        return FALSE;
    }
  return ddl_cmd_run (g->cmd, error)
         && ddl_model_read_floats (g->scores, 0, scores, n, error)
         && (maps == NULL || ddl_model_read_floats (g->maps, 0, maps, n * hw, error))
         && (recs == NULL || ddl_model_read_floats (g->clean.rec, 0, recs, n * g->C * hw, error));
}

/* The centre frame of one sample, channel by channel out of (B, C, T, H, W). */
static gboolean
read_centre (DdlGraph *g, DdlBuffer *clip, guint sample, float *out, GError **error)
{
  guint64 hw = (guint64) g->H * g->W;
  for (guint c = 0; c < g->C; c++)
    {
      guint64 at = (((guint64) sample * g->C + c) * g->T + (g->T - 1) / 2) * hw;
      if (!ddl_model_read_floats (clip, at, out + c * hw, hw, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ddl_graph_read_preview (DdlGraph *g, guint sample, float *clean, float *pseudo, float *rec_clean,
                        float *rec_pseudo, float *mask, GError **error)
{
  guint64 hw = (guint64) g->H * g->W;
  guint64 image = hw * g->C;

  g_return_val_if_fail (g->train && sample < g->B, FALSE);
  if ((clean != NULL && !read_centre (g, g->x, sample, clean, error))
      || (rec_clean != NULL
          && !ddl_model_read_floats (g->clean.rec, sample * image, rec_clean, image, error)))
    return FALSE;
  if (g->xa == NULL)  /* the baseline makes no pseudo anomalies */
    return TRUE;
  return (pseudo == NULL || read_centre (g, g->xa, sample, pseudo, error))
         && (rec_pseudo == NULL
             || ddl_model_read_floats (g->pseudo.rec, sample * image, rec_pseudo, image, error))
         && (mask == NULL
             || ddl_model_read_floats (g->mask, ((guint64) sample * g->T + (g->T - 1) / 2) * hw,
                                       mask, hw, error));
}
