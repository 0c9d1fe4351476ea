/* ddl-model-params.h: where every tensor of a DDL network lives.
 *
 * Trainable tensors (conv weights and biases, BN gamma and beta, then l last)
 * share one flat float buffer, so gradients and Adam's moments use the same
 * offsets and Adam runs as one dispatch (SDL and the baseline stop it before l).
 * BN running statistics live in a second buffer; num_batches_tracked is counted on
 * the host. Names are those of the reference PyTorch state_dict. */
#pragma once

#include <glib.h>
#include "ddl-compute.h"

/* Every tensor starts on a 256-byte boundary, the largest offset alignment Vulkan
 * allows a device to require, so any tensor can be bound on its own. */
#define DDL_PARAM_ALIGN_FLOATS 64

typedef enum {
  DDL_PARAM_CONV_WEIGHT,
  DDL_PARAM_CONV_BIAS,
  DDL_PARAM_BN_WEIGHT,
  DDL_PARAM_BN_BIAS,
  DDL_PARAM_BN_RUNNING_MEAN,    /* state buffer */
  DDL_PARAM_BN_RUNNING_VAR,     /* state buffer */
  DDL_PARAM_BN_NUM_BATCHES,     /* host counter, I64 in checkpoints */
  DDL_PARAM_ANOMALY_WEIGHT,     /* l */
} DdlParamKind;

typedef struct {
  char        *name;
  DdlParamKind kind;
  guint        n_dims;
  guint64      shape[5];
  guint64      numel;
  guint64      offset;   /* floats into the params or state buffer; counter index for num_batches */
  guint        fan_in;   /* for PyTorch's default init of convs */
} DdlParamSpec;

typedef struct { guint64 weight, bias; } DdlConvSlot;
typedef struct { guint64 gamma, beta, mean, var; guint counter; guint channels; } DdlBnSlot;

typedef struct {
  guint       cin, cout;
  gboolean    decode, last;
  DdlConvSlot convs[3];    /* kernels 3, 5, 7 */
  DdlBnSlot   bn1;
  DdlConvSlot conv_last;   /* 1x1 */
  DdlBnSlot   bn2;
} DdlBlockSlot;

typedef struct {
  GPtrArray   *specs;       /* DdlParamSpec, in state_dict order */
  guint64      n_params;    /* floats in the params buffer (padding included) */
  guint64      n_state;     /* floats in the state buffer */
  guint        n_counters;  /* num_batches_tracked entries */
  guint64      anomaly;     /* offset of l */
  guint64      network_end; /* params before l (Adam range for SDL / baseline) */
  guint        widths[4];   /* l1, l2, l3, L */
  DdlBlockSlot enc[4], dec[4];
  DdlConvSlot  skip[4];     /* Conv3d on each encoder output (C3DSU only) */
} DdlParamTable;

extern const guint ddl_block_kernels[3];

DdlParamTable *ddl_param_table_new  (const DdlModelConfig *config);
void           ddl_param_table_free (DdlParamTable *table);
const DdlParamSpec *ddl_param_table_find (DdlParamTable *table, const char *name);

/* PyTorch's default initialisation (kaiming-uniform convs, biases U(+-1/sqrt(fan_in)),
 * BN gamma 1, beta 0, running mean 0, var 1, l = 0), from a seeded generator. */
void           ddl_param_table_init_values (DdlParamTable *table, guint64 seed,
                                            float *params, float *state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlParamTable, ddl_param_table_free)
