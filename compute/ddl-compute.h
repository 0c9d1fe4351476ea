/* ddl-compute.h: the public face of the DDL compute library.
 *
 * The GTK application and the command line see only this header. Nothing here
 * exposes Vulkan: the engine owns the instance, device and queue, and every call
 * that can fail reports a GError in DDL_ENGINE_ERROR. An engine belongs to one
 * thread at a time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_ENGINE_ERROR (ddl_engine_error_quark ())

typedef enum {
  DDL_ENGINE_ERROR_NO_LOADER,        /* libvulkan.so.1 missing */
  DDL_ENGINE_ERROR_NO_DEVICE,        /* no Vulkan driver / no device at all */
  DDL_ENGINE_ERROR_DEVICE_NOT_FOUND, /* --device / DDL_DEVICE matched nothing */
  DDL_ENGINE_ERROR_NO_VALIDATION,    /* validation requested, layer not installed */
  DDL_ENGINE_ERROR_OUT_OF_MEMORY,    /* device or host memory exhausted */
  DDL_ENGINE_ERROR_LIMIT,            /* a buffer or dispatch exceeds a device limit */
  DDL_ENGINE_ERROR_DEVICE_LOST,
  DDL_ENGINE_ERROR_FAILED,
} DdlEngineError;

typedef enum {
  DDL_DEVICE_TYPE_OTHER,
  DDL_DEVICE_TYPE_INTEGRATED_GPU,
  DDL_DEVICE_TYPE_DISCRETE_GPU,
  DDL_DEVICE_TYPE_VIRTUAL_GPU,
  DDL_DEVICE_TYPE_CPU,
} DdlDeviceType;

typedef struct {
  guint index;           /* position in the Vulkan enumeration */
  char *name;            /* "llvmpipe (LLVM 15.0.6, 256 bits)" */
  DdlDeviceType type;
  char *driver_name;     /* "llvmpipe" */
  char *driver_info;     /* "Mesa 22.3.6 (LLVM 15.0.6)" */
  char *api_version;     /* "1.3.230" */
  guint32 vendor_id;
  guint32 device_id;
  guint64 memory_bytes;  /* largest device-local heap */
  guint subgroup_size;
  gboolean texel_io;     /* kernels read inputs through texel buffers */
  gboolean chosen;       /* the device an engine with the same spec would open */
} DdlDeviceInfo;

typedef struct {
  /* Device spec: NULL or "auto" (discrete GPU, then integrated, then CPU),
   * "gpu", "cpu", a 0-based index, or part of the device name. NULL reads the
   * DDL_DEVICE environment variable. */
  const char *device;
  /* Load VK_LAYER_KHRONOS_validation and count its messages. Also turned on by
   * DDL_VK_VALIDATION=1. */
  gboolean validation;
} DdlEngineOptions;

typedef struct _DdlEngine DdlEngine;

GQuark               ddl_engine_error_quark       (void);
const char          *ddl_device_type_to_string    (DdlDeviceType type);
void                 ddl_device_info_free         (DdlDeviceInfo *info);

/* Every Vulkan device, with `chosen` set on the one `spec` selects. */
GPtrArray           *ddl_engine_list_devices      (const char  *spec,
                                                   GError     **error);

DdlEngine           *ddl_engine_new               (const DdlEngineOptions *options,
                                                   GError                **error);
void                 ddl_engine_free              (DdlEngine  *engine);
const DdlDeviceInfo *ddl_engine_get_device        (DdlEngine  *engine);
gboolean             ddl_engine_is_software       (DdlEngine  *engine);
/* Validation-layer messages seen so far (warnings and errors); 0 without validation. */
guint                ddl_engine_get_validation_messages (DdlEngine *engine);

/* Kernel benchmark (`ddl bench kernels`). */
typedef struct {
  char *kernel;          /* "conv2d_fwd" */
  char *shape;           /* "B4 C64->64 128x128 k3" */
  double ms;             /* median device time of one call */
  double gflops;         /* 0 where not meaningful */
  double gbytes;         /* GB/s of compulsory traffic */
} DdlBenchResult;

void                 ddl_bench_result_free        (DdlBenchResult *result);
/* `filter`: NULL for all, else a substring of the kernel name. */
GPtrArray           *ddl_bench_kernels            (DdlEngine   *engine,
                                                   const char  *filter,
                                                   guint        repeats,
                                                   GError     **error);

/* ---- Models ---------------------------------------------------------------- */

typedef enum {
  DDL_ARCH_C3DSU,   /* Conv3dSkipUNet: T-frame clip, Conv3d (T,3,3) on every skip */
  DDL_ARCH_UNET,    /* single-frame UNet (T = 1) */
} DdlArch;

typedef enum {
  DDL_MODE_DDL,       /* anomaly weight sigmoid(l), l trained */
  DDL_MODE_SDL,       /* static anomaly weight */
  DDL_MODE_BASELINE,  /* reconstruction loss only */
} DdlMode;

typedef enum {
  DDL_DIST_REFERENCE,  /* the code: mean over masked pixels of per-pixel ratios */
  DDL_DIST_PAPER,      /* eq. 7: ratio of masked norms */
} DdlDistForm;

typedef struct {
  DdlArch     arch;
  guint       latent;          /* L; widths L/8, L/4, L/2, L */
  guint       channels;        /* 1 (gray) or 3 */
  guint       temporal;        /* T, odd; 1 for UNet */
  guint       width, height;   /* multiples of 16 */
  guint       batch;
  DdlMode     mode;
  double      lr;              /* Adam, halved once at 80 % of the epochs */
  double      lambda;          /* weight of L_dist */
  double      static_weight;   /* SDL's sigma; DDL starts at 0.5 (l = 0) */
  double      dropout;         /* the reference uses 0 */
  DdlDistForm dist;
  gboolean    score_sqrt3;     /* divide error maps by sqrt(3) as the reference, not sqrt(C) */
  guint       patch;           /* score patch size (16) */
  guint       epochs;
  guint64     seed;
} DdlModelConfig;

/* The reference configuration at a size that trains in minutes on 2 CPU cores. */
void         ddl_model_config_init_default (DdlModelConfig *config);
/* The paper's: latent 512, 256x256, 3 channels, T = 3, batch 10. */
void         ddl_model_config_init_paper   (DdlModelConfig *config);
gboolean     ddl_model_config_validate     (const DdlModelConfig *config, GError **error);
/* Trainable parameters of the network (l not counted), as PyTorch counts them. */
guint64      ddl_model_config_count_parameters (const DdlModelConfig *config);
const char  *ddl_arch_to_string            (DdlArch arch);
const char  *ddl_mode_to_string            (DdlMode mode);
gboolean     ddl_arch_from_string          (const char *s, DdlArch *arch);
gboolean     ddl_mode_from_string          (const char *s, DdlMode *mode);

typedef struct _DdlModel DdlModel;

/* A new network with PyTorch's default initialisation from config->seed. */
DdlModel    *ddl_model_new      (DdlEngine *engine, const DdlModelConfig *config, GError **error);
/* A checkpoint written by ddl_model_save, or a reference PyTorch state_dict saved
 * as safetensors (architecture, latent, channels and T are read from the tensor
 * shapes; `fallback` gives what shapes cannot tell — input size, mode — and may
 * be NULL for the defaults). Names, shapes and dtypes are checked; the first
 * mismatch is the error. */
DdlModel    *ddl_model_load     (DdlEngine *engine, const char *path,
                                 const DdlModelConfig *fallback, GError **error);
/* Atomic (temporary file, then rename): weights, BN statistics, l, Adam state,
 * and the config, mode, epoch, step, seed, sigma(l) and dataset fingerprint in
 * the safetensors metadata. */
gboolean     ddl_model_save     (DdlModel *model, const char *path, GError **error);
void         ddl_model_free     (DdlModel *model);

/* What a checkpoint says about itself, read without a device: only the 8-byte length
 * and the JSON header are read (checkpoints are megabytes, headers a few KiB). */
typedef struct {
  DdlModelConfig config;       /* as trained */
  guint          epoch;        /* epochs completed */
  guint64        step;         /* training steps taken */
  guint64        skipped;      /* batches skipped for want of a track; 0 if not stored */
  double         sigma;        /* anomaly weight; NAN unknown */
  char          *fingerprint;  /* training split; NULL unknown */
  /* FALSE: a plain (reference) state_dict. Architecture, latent, channels and T then
   * come from the tensor shapes, the input is the reference's 256x256 and the rest
   * are the defaults, as ddl_model_load without a fallback makes them; epoch and step
   * are 0; sigma is sigmoid(l) if the file holds l, else NAN. */
  gboolean       has_metadata;
} DdlModelInfo;

/* FALSE with an error naming the file when it cannot be read, is truncated, is not
 * safetensors, has a bad header (larger than 16 MiB included), is not a DDL network,
 * names an unknown architecture or mode, or holds an invalid configuration. `info` is
 * filled only on success; clear it with ddl_model_info_clear. */
gboolean     ddl_model_read_info  (const char *path, DdlModelInfo *info, GError **error);
void         ddl_model_info_clear (DdlModelInfo *info);
const DdlModelConfig *ddl_model_get_config (DdlModel *model);
DdlEngine   *ddl_model_get_engine (DdlModel *model);
/* sigma(l) for DDL, the static weight for SDL, 0 for the baseline. */
double       ddl_model_get_anomaly_weight (DdlModel *model);
guint        ddl_model_get_epoch (DdlModel *model);
guint64      ddl_model_get_step  (DdlModel *model);
/* Batches passed over because no sample had a track (they do not count as steps). */
guint64      ddl_model_get_skipped (DdlModel *model);
void         ddl_model_set_epoch (DdlModel *model, guint epoch);
/* The planned number of epochs (a resumed run may extend it). */
void         ddl_model_set_epochs (DdlModel *model, guint epochs);
const char  *ddl_model_get_fingerprint (DdlModel *model);
void         ddl_model_set_fingerprint (DdlModel *model, const char *fingerprint);
/* Learning rate of the following steps (the caller runs the StepLR schedule). */
void         ddl_model_set_learning_rate (DdlModel *model, double lr);
double       ddl_model_get_learning_rate (DdlModel *model);

/* One training step on a batch of clips. clips: (B, C, T, H, W) in [0, 1];
 * masks: (B, T, H, W) 0/1 boxes of the chosen track (ignored by the baseline).
 * A batch whose masks are all empty is skipped as the reference does (unless the
 * mode is the baseline): stats->skipped is set and nothing changes. */
typedef struct {
  double   recon;      /* L_recon of the clean pass */
  double   dist;       /* L_dist */
  double   total;      /* L_recon + lambda L_dist */
  double   sigma;      /* anomaly weight used in this step */
  guint64  masked;     /* masked pixels of the centre frames */
  gboolean skipped;
} DdlStepStats;

gboolean     ddl_model_train_step (DdlModel *model, const float *clips, const float *masks,
                                   DdlStepStats *stats, GError **error);

/* What the last (not skipped) training step saw and made, for live views: the centre
 * frame of batch sample `sample`, each (C, H, W) in [0, 1]: the clean input, its
 * pseudo-anomalous version, and the reconstructions of both; mask (H, W) is the
 * sample's pseudo-anomaly mask. pseudo, rec_pseudo and mask are left untouched for the
 * baseline, which makes no pseudo anomalies. Any output may be NULL. Costs a few small
 * device reads; FALSE with an error before the first step. */
gboolean     ddl_model_read_train_preview (DdlModel *model, guint sample, float *clean,
                                           float *pseudo, float *rec_clean, float *rec_pseudo,
                                           float *mask, GError **error);

/* Scores n windows (eval mode). clips: (n, C, T, H, W). scores: (n). maps (n, H, W)
 * and recs (n, C, H, W) receive the error maps and reconstructions unless NULL. */
gboolean     ddl_model_score    (DdlModel *model, const float *clips, guint n, float *scores,
                                 float *maps, float *recs, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlModel, ddl_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlEngine, ddl_engine_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlDeviceInfo, ddl_device_info_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DdlModelInfo, ddl_model_info_clear)

G_END_DECLS
