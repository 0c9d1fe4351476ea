/* ddl-model-private.h: the DdlModel behind ddl-compute.h. */
#pragma once

#include "ddl-kernels.h"
#include "ddl-model-params.h"

typedef struct _DdlGraph DdlGraph;

/* Slots of the small "control" buffer that replayed commands read. */
enum {
  DDL_CONTROL_ADAM_T,       /* Adam's step count t (float) */
  DDL_CONTROL_ADAM_LR,      /* learning rate */
  DDL_CONTROL_NOISE,        /* noise counter */
  DDL_CONTROL_DROPOUT,      /* dropout counter */
  DDL_CONTROL_STATIC_L,     /* SDL: logit of the static anomaly weight */
  DDL_CONTROL_N = 64,       /* padded: 256 bytes */
};

struct _DdlModel {
  DdlEngine      *engine;
  DdlModelConfig  config;
  DdlParamTable  *table;
  DdlBuffer      *params;    /* trainable tensors, then l */
  DdlBuffer      *grads;     /* same layout */
  DdlBuffer      *adam_m;
  DdlBuffer      *adam_v;
  DdlBuffer      *state;     /* BN running statistics */
  DdlBuffer      *control;   /* DDL_CONTROL_* */
  gint64         *counters;  /* num_batches_tracked, host side */
  guint           epoch;
  guint64         step;
  guint64         skipped;
  double          lr;
  char           *fingerprint;
  /* Recorded on first use, replayed afterwards. */
  DdlGraph       *train;
  DdlGraph       *infer;
  guint           infer_batch;
};

/* ddl-model-graph.c: recording the network's passes. */
DdlGraph *ddl_graph_new_train (DdlModel *model, GError **error);
DdlGraph *ddl_graph_new_infer (DdlModel *model, guint batch, GError **error);
void      ddl_graph_free      (DdlGraph *graph);
/* Host side of a step: upload, run, read the loss values back. */
gboolean  ddl_graph_run_train (DdlGraph *graph, const float *clips, const float *masks,
                               DdlStepStats *stats, GError **error);
gboolean  ddl_graph_run_infer (DdlGraph *graph, const float *clips, guint n, float *scores,
                               float *maps, float *recs, GError **error);
gboolean  ddl_graph_read_preview (DdlGraph *graph, guint sample, float *clean, float *pseudo,
                                  float *rec_clean, float *rec_pseudo, float *mask,
                                  GError **error);
/* Floats to hand back to the host: the BN batch counters for num_batches_tracked. */
guint     ddl_graph_bn_updates_per_step (DdlGraph *graph);

gboolean  ddl_model_read_floats  (DdlBuffer *buffer, guint64 offset, float *out, guint64 n,
                                  GError **error);
