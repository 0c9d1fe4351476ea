/* ddl-model-meta.h: a DDL Studio checkpoint's safetensors metadata. The key names
 * ddl_model_save writes and the one parser every reader goes through
 * (ddl-model-info.c: ddl_model_read_info and ddl_model_load) live here, so writer and
 * readers cannot drift apart. Private to compute/. */
#pragma once

#include "ddl-compute.h"
#include "ddl-safetensors.h"

G_BEGIN_DECLS

#define DDL_CHECKPOINT_FORMAT          "ddl-studio-checkpoint"
#define DDL_CHECKPOINT_FORMAT_VERSION  "1"

/* Every value is a string (safetensors metadata is string to string): integers in
 * decimal, doubles as g_ascii_dtostr writes them (round trip exact). */
#define DDL_META_FORMAT           "format"          /* DDL_CHECKPOINT_FORMAT */
#define DDL_META_FORMAT_VERSION   "format_version"
/* the configuration (ddl_model_meta_write_config) */
#define DDL_META_ARCH             "arch"            /* ddl_arch_to_string */
#define DDL_META_MODE             "mode"            /* ddl_mode_to_string */
#define DDL_META_LATENT           "latent"
#define DDL_META_CHANNELS         "channels"
#define DDL_META_TEMPORAL         "temporal"
#define DDL_META_WIDTH            "width"
#define DDL_META_HEIGHT           "height"
#define DDL_META_BATCH            "batch"
#define DDL_META_LR               "lr"
#define DDL_META_LAMBDA           "lambda"
#define DDL_META_STATIC_WEIGHT    "static_weight"
#define DDL_META_DROPOUT          "dropout"
#define DDL_META_DIST             "dist"            /* "paper" or "reference" */
#define DDL_META_SCORE_DIVISOR    "score_divisor"   /* "sqrt3" or "sqrtC" */
#define DDL_META_PATCH            "patch"
#define DDL_META_EPOCHS           "epochs"
#define DDL_META_SEED             "seed"
/* the training state */
#define DDL_META_EPOCH            "epoch"
#define DDL_META_STEP             "step"
#define DDL_META_SKIPPED          "skipped_batches"
#define DDL_META_CURRENT_LR       "current_lr"
#define DDL_META_SIGMA            "sigma"
#define DDL_META_ADAM_T           "adam_t"
#define DDL_META_NOISE_COUNTER    "noise_counter"
#define DDL_META_DROPOUT_COUNTER  "dropout_counter"
#define DDL_META_FINGERPRINT      "dataset_fingerprint"   /* "" when unknown */

/* The tensor holding l, the anomaly weight's logit. */
#define DDL_ANOMALY_WEIGHT_TENSOR "pseudo_anomaly_creator.anomaly_weight"

/* ddl_model_read_info reads at most this much header. Ours are tens of KiB even at
 * the paper's size; the safetensors format itself allows 100 MB. */
#define DDL_MODEL_INFO_MAX_HEADER ((guint64) 16 << 20)

void     ddl_model_meta_set_uint64     (DdlSafetensors *st, const char *key, guint64 value);
void     ddl_model_meta_set_double     (DdlSafetensors *st, const char *key, double value);
/* FALSE (out untouched) when the key is missing or not a plain number. */
gboolean ddl_model_meta_get_uint64     (DdlSafetensors *st, const char *key, guint64 *out);
gboolean ddl_model_meta_get_double     (DdlSafetensors *st, const char *key, double *out);

/* The format marker and the configuration's keys. */
void     ddl_model_meta_write_config   (DdlSafetensors *st, const DdlModelConfig *config);

/* A tensor by its state_dict name, also under DataParallel's "module." prefix. */
const DdlTensorEntry *ddl_model_find_tensor (DdlSafetensors *st, const char *name);

/* The parser behind ddl_model_read_info and ddl_model_load: configuration (from
 * `fallback`, or the defaults, then the tensor shapes, then the metadata, validated),
 * epoch, step, skipped batches, sigma and fingerprint. For a file without our
 * metadata sigma is left NAN (the caller may read l). */
gboolean ddl_model_info_from_safetensors (DdlSafetensors *st, const char *path,
                                          const DdlModelConfig *fallback, DdlModelInfo *info,
                                          GError **error);

G_END_DECLS
