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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlEngine, ddl_engine_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlDeviceInfo, ddl_device_info_free)

G_END_DECLS
