/* DdlModel: lifetime, checkpoints (safetensors) and the public entry points. */
#include "ddl-model-private.h"
#include "ddl-model-meta.h"
#include "ddl-safetensors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>

#define OPT_M_PREFIX "optimizer.exp_avg."
#define OPT_V_PREFIX "optimizer.exp_avg_sq."

static gboolean
allocate (DdlModel *model, GError **error)
{
  DdlParamTable *t = model->table;
  DdlEngine *engine = model->engine;

  model->params = ddl_buffer_new (engine, t->n_params * 4, error);
  if (model->params == NULL)
    return FALSE;
  model->grads = ddl_buffer_new (engine, t->n_params * 4, error);
  if (model->grads == NULL)
    return FALSE;
  model->adam_m = ddl_buffer_new (engine, t->n_params * 4, error);
  if (model->adam_m == NULL)
    return FALSE;
  model->adam_v = ddl_buffer_new (engine, t->n_params * 4, error);
  if (model->adam_v == NULL)
    return FALSE;
  model->state = ddl_buffer_new (engine, MAX (t->n_state, 1) * 4, error);
  if (model->state == NULL)
    return FALSE;
  model->control = ddl_buffer_new (engine, DDL_CONTROL_N * 4, error);
  if (model->control == NULL)
    return FALSE;
  model->counters = g_new0 (gint64, MAX (t->n_counters, 1));
  return TRUE;
}

static DdlModel *
model_alloc (DdlEngine *engine, const DdlModelConfig *config)
{
  DdlModel *model = g_new0 (DdlModel, 1);
  model->engine = engine;
  model->config = *config;
  model->table = ddl_param_table_new (config);
  model->lr = config->lr;
  model->fingerprint = g_strdup ("");
  return model;
}

static gboolean
write_control (DdlModel *model, guint slot, float value, GError **error)
{
  return ddl_buffer_write (model->control, slot * 4, &value, 4, error);
}

/* The slots that follow from the configuration rather than from training. */
static gboolean
init_control (DdlModel *model, GError **error)
{
  double w = model->config.static_weight;
  return write_control (model, DDL_CONTROL_ADAM_LR, model->lr, error)
         && write_control (model, DDL_CONTROL_STATIC_L, log (w / (1.0 - w)), error);
}

DdlModel *
ddl_model_new (DdlEngine *engine, const DdlModelConfig *config, GError **error)
{
  g_autoptr(DdlModel) model = NULL;
  g_autofree float *params = NULL;
  g_autofree float *state = NULL;

  if (!ddl_model_config_validate (config, error))
    return NULL;
  model = model_alloc (engine, config);
  if (!allocate (model, error))
    return NULL;
  params = g_new (float, model->table->n_params);
  state = g_new (float, MAX (model->table->n_state, 1));
  ddl_param_table_init_values (model->table, config->seed, params, state);
  if (!ddl_buffer_write (model->params, 0, params, model->table->n_params * 4, error)
      || !ddl_buffer_write (model->state, 0, state, model->table->n_state * 4, error)
      || !init_control (model, error))
    return NULL;
  return g_steal_pointer (&model);
}

void
ddl_model_free (DdlModel *model)
{
  if (model == NULL)
    return;
  g_clear_pointer (&model->train, ddl_graph_free);
  g_clear_pointer (&model->infer, ddl_graph_free);
  ddl_buffer_free (model->params);
  ddl_buffer_free (model->grads);
  ddl_buffer_free (model->adam_m);
  ddl_buffer_free (model->adam_v);
  ddl_buffer_free (model->state);
  ddl_buffer_free (model->control);
  ddl_param_table_free (model->table);
  g_free (model->counters);
  g_free (model->fingerprint);
  g_free (model);
}

gboolean
ddl_model_read_floats (DdlBuffer *buffer, guint64 offset, float *out, guint64 n, GError **error)
{
  return ddl_buffer_read (buffer, offset * 4, out, n * 4, error);
}

const DdlModelConfig *
ddl_model_get_config (DdlModel *model)
{
  return &model->config;
}

DdlEngine *
ddl_model_get_engine (DdlModel *model)
{
  return model->engine;
}

double
ddl_model_get_anomaly_weight (DdlModel *model)
{
  float l = 0;
  switch (model->config.mode)
    {
    case DDL_MODE_BASELINE:
      return 0.0;
    case DDL_MODE_SDL:
      return model->config.static_weight;
    case DDL_MODE_DDL:
    default:
      if (!ddl_model_read_floats (model->params, model->table->anomaly, &l, 1, NULL))
        return NAN;
      return 1.0 / (1.0 + exp (-(double) l));
    }
}

guint
ddl_model_get_epoch (DdlModel *model)
{
  return model->epoch;
}

guint64
ddl_model_get_step (DdlModel *model)
{
  return model->step;
}

guint64
ddl_model_get_skipped (DdlModel *model)
{
  return model->skipped;
}

void
ddl_model_set_epoch (DdlModel *model, guint epoch)
{
  model->epoch = epoch;
}

void
ddl_model_set_epochs (DdlModel *model, guint epochs)
{
  model->config.epochs = MAX (epochs, 1);
}

const char *
ddl_model_get_fingerprint (DdlModel *model)
{
  return model->fingerprint;
}

void
ddl_model_set_fingerprint (DdlModel *model, const char *fingerprint)
{
  g_free (model->fingerprint);
  model->fingerprint = g_strdup (fingerprint != NULL ? fingerprint : "");
}

void
ddl_model_set_learning_rate (DdlModel *model, double lr)
{
  model->lr = lr;
  write_control (model, DDL_CONTROL_ADAM_LR, lr, NULL);
}

double
ddl_model_get_learning_rate (DdlModel *model)
{
  return model->lr;
}

gboolean
ddl_model_train_step (DdlModel *model, const float *clips, const float *masks,
                      DdlStepStats *stats, GError **error)
{
  DdlStepStats local = { 0 };

  if (stats == NULL)
    stats = &local;
  if (model->train == NULL)
    {
      model->train = ddl_graph_new_train (model, error);
      if (model->train == NULL)
        return FALSE;
    }
  if (!ddl_graph_run_train (model->train, clips, masks, stats, error))
    return FALSE;
  if (stats->skipped)
    {
      model->skipped++;
      return TRUE;
    }
  model->step++;
  for (guint i = 0; i < model->table->n_counters; i++)
    model->counters[i] += ddl_graph_bn_updates_per_step (model->train);
  return TRUE;
}

gboolean
ddl_model_read_train_preview (DdlModel *model, guint sample, float *clean, float *pseudo,
                              float *rec_clean, float *rec_pseudo, float *mask, GError **error)
{
  g_return_val_if_fail (sample < model->config.batch, FALSE);
  if (model->train == NULL || model->step == 0)
    {
      g_set_error_literal (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                           "No training step has run yet, so there is nothing to preview");
      return FALSE;
    }
  return ddl_graph_read_preview (model->train, sample, clean, pseudo, rec_clean, rec_pseudo,
                                 mask, error);
}

gboolean
ddl_model_score (DdlModel *model, const float *clips, guint n, float *scores, float *maps,
                 float *recs, GError **error)
{
  const DdlModelConfig *c = &model->config;
  gsize clip_floats = (gsize) c->channels * c->temporal * c->width * c->height;
  guint batch = MIN (c->batch, 16u);

  if (model->infer == NULL)
    {
      model->infer = ddl_graph_new_infer (model, batch, error);
      if (model->infer == NULL)
        return FALSE;
      model->infer_batch = batch;
    }
  for (guint i = 0; i < n; i += model->infer_batch)
    {
      guint k = MIN (model->infer_batch, n - i);
      gsize map = (gsize) c->width * c->height;
      if (!ddl_graph_run_infer (model->infer, clips + i * clip_floats, k, scores + i,
                                maps != NULL ? maps + i * map : NULL,
                                recs != NULL ? recs + i * map * c->channels : NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- checkpoints ------------------------------------------------------------- */

gboolean
ddl_model_save (DdlModel *model, const char *path, GError **error)
{
  DdlParamTable *t = model->table;
  const DdlModelConfig *c = &model->config;
  g_autoptr(DdlSafetensors) st = ddl_safetensors_new ();
  g_autofree float *params = g_new (float, t->n_params);
  g_autofree float *m = g_new (float, t->n_params);
  g_autofree float *v = g_new (float, t->n_params);
  g_autofree float *state = g_new (float, MAX (t->n_state, 1));
  float control[DDL_CONTROL_N];

  if (!ddl_model_read_floats (model->params, 0, params, t->n_params, error)
      || !ddl_model_read_floats (model->adam_m, 0, m, t->n_params, error)
      || !ddl_model_read_floats (model->adam_v, 0, v, t->n_params, error)
      || !ddl_model_read_floats (model->state, 0, state, t->n_state, error)
      || !ddl_model_read_floats (model->control, 0, control, DDL_CONTROL_N, error))
    return FALSE;

  for (guint i = 0; i < t->specs->len; i++)
    {
      DdlParamSpec *s = t->specs->pdata[i];
      switch (s->kind)
        {
        case DDL_PARAM_BN_NUM_BATCHES:
          ddl_safetensors_add (st, s->name, DDL_DTYPE_I64, 0, s->shape,
                               &model->counters[s->offset]);
          break;
        case DDL_PARAM_BN_RUNNING_MEAN:
        case DDL_PARAM_BN_RUNNING_VAR:
          ddl_safetensors_add (st, s->name, DDL_DTYPE_F32, s->n_dims, s->shape, state + s->offset);
          break;
        default:
          ddl_safetensors_add (st, s->name, DDL_DTYPE_F32, s->n_dims, s->shape, params + s->offset);
          /* Adam's moments, so that training resumes exactly. */
          g_autofree char *mname = g_strconcat (OPT_M_PREFIX, s->name, NULL);
          g_autofree char *vname = g_strconcat (OPT_V_PREFIX, s->name, NULL);
          ddl_safetensors_add (st, mname, DDL_DTYPE_F32, s->n_dims, s->shape, m + s->offset);
          ddl_safetensors_add (st, vname, DDL_DTYPE_F32, s->n_dims, s->shape, v + s->offset);
        }
    }

  ddl_model_meta_write_config (st, c);
  ddl_model_meta_set_uint64 (st, DDL_META_EPOCH, model->epoch);
  ddl_model_meta_set_uint64 (st, DDL_META_STEP, model->step);
  ddl_model_meta_set_uint64 (st, DDL_META_SKIPPED, model->skipped);
  ddl_model_meta_set_double (st, DDL_META_CURRENT_LR, model->lr);
  ddl_model_meta_set_double (st, DDL_META_SIGMA, ddl_model_get_anomaly_weight (model));
  ddl_model_meta_set_double (st, DDL_META_ADAM_T, control[DDL_CONTROL_ADAM_T]);
  ddl_model_meta_set_double (st, DDL_META_NOISE_COUNTER, control[DDL_CONTROL_NOISE]);
  ddl_model_meta_set_double (st, DDL_META_DROPOUT_COUNTER, control[DDL_CONTROL_DROPOUT]);
  ddl_safetensors_set_metadata (st, DDL_META_FINGERPRINT, model->fingerprint);
  return ddl_safetensors_save (st, path, error);
}

static gboolean
check_tensor (const DdlTensorEntry *e, const DdlParamSpec *s, const char *path, GError **error)
{
  DdlDtype want = s->kind == DDL_PARAM_BN_NUM_BATCHES ? DDL_DTYPE_I64 : DDL_DTYPE_F32;
  gboolean shape_ok = e != NULL && e->n_dims == s->n_dims;

  for (guint d = 0; shape_ok && d < s->n_dims; d++)
    shape_ok = e->shape[d] == s->shape[d];
  if (e == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: tensor %s is missing", path,
                 s->name);
  else if (e->dtype != want)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: tensor %s has dtype %s, "
                 "expected %s", path, s->name, e->dtype == DDL_DTYPE_I64 ? "I64" : "F32",
                 want == DDL_DTYPE_I64 ? "I64" : "F32");
  else if (!shape_ok)
    {
      GString *got = g_string_new (NULL), *exp = g_string_new (NULL);
      for (guint d = 0; d < e->n_dims; d++)
        g_string_append_printf (got, "%s%" G_GUINT64_FORMAT, d ? ", " : "", e->shape[d]);
      for (guint d = 0; d < s->n_dims; d++)
        g_string_append_printf (exp, "%s%" G_GUINT64_FORMAT, d ? ", " : "", s->shape[d]);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: tensor %s has shape [%s], expected [%s]", path, s->name, got->str, exp->str);
      g_string_free (got, TRUE);
      g_string_free (exp, TRUE);
    }
  else
    return TRUE;
  return FALSE;
}

DdlModel *
ddl_model_load (DdlEngine *engine, const char *path, const DdlModelConfig *fallback,
                GError **error)
{
  g_autoptr(DdlSafetensors) st = ddl_safetensors_load (path, error);
  g_autoptr(DdlModel) model = NULL;
  g_autofree float *params = NULL;
  g_autofree float *m = NULL;
  g_autofree float *v = NULL;
  g_autofree float *state = NULL;
  g_auto(DdlModelInfo) info = { 0 };
  const DdlModelConfig *config = &info.config;
  DdlParamTable *t;
  double value;
  gboolean have_optimizer = TRUE;

  if (st == NULL || !ddl_model_info_from_safetensors (st, path, fallback, &info, error))
    return NULL;
  model = model_alloc (engine, config);
  t = model->table;
  if (!allocate (model, error))
    return NULL;
  params = g_new0 (float, t->n_params);
  m = g_new0 (float, t->n_params);
  v = g_new0 (float, t->n_params);
  state = g_new0 (float, MAX (t->n_state, 1));

  for (guint i = 0; i < t->specs->len; i++)
    {
      DdlParamSpec *s = t->specs->pdata[i];
      const DdlTensorEntry *e = ddl_model_find_tensor (st, s->name);
      if (e == NULL && s->kind == DDL_PARAM_ANOMALY_WEIGHT)
        continue;  /* reference state_dicts do not hold l: it starts at 0 */
      if (!check_tensor (e, s, path, error))
        return NULL;
      const void *data = ddl_safetensors_data (st, e);
      switch (s->kind)
        {
        case DDL_PARAM_BN_NUM_BATCHES:
          memcpy (&model->counters[s->offset], data, 8);
          break;
        case DDL_PARAM_BN_RUNNING_MEAN:
        case DDL_PARAM_BN_RUNNING_VAR:
          memcpy (state + s->offset, data, s->numel * 4);
          break;
        default:
          memcpy (params + s->offset, data, s->numel * 4);
          g_autofree char *mname = g_strconcat (OPT_M_PREFIX, s->name, NULL);
          g_autofree char *vname = g_strconcat (OPT_V_PREFIX, s->name, NULL);
          const DdlTensorEntry *me = ddl_safetensors_find (st, mname);
          const DdlTensorEntry *ve = ddl_safetensors_find (st, vname);
          if (me != NULL && ve != NULL && me->n_bytes == s->numel * 4 && ve->n_bytes == s->numel * 4)
            {
              memcpy (m + s->offset, ddl_safetensors_data (st, me), s->numel * 4);
              memcpy (v + s->offset, ddl_safetensors_data (st, ve), s->numel * 4);
            }
          else
            have_optimizer = FALSE;
        }
    }

  /* Strict, like load_state_dict (strict=True): nothing unknown either. */
  GPtrArray *names = ddl_safetensors_get_names (st);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const char *bare = g_str_has_prefix (name, "module.") ? name + 7 : name;
      if (!g_str_has_prefix (bare, "optimizer.") && ddl_param_table_find (t, bare) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: unexpected tensor %s for a %s with latent %u", path, name,
                       ddl_arch_to_string (config->arch), config->latent);
          return NULL;
        }
    }

  if (!ddl_buffer_write (model->params, 0, params, t->n_params * 4, error)
      || !ddl_buffer_write (model->state, 0, state, t->n_state * 4, error))
    return NULL;
  if (have_optimizer)
    {
      float control[DDL_CONTROL_N] = { 0 };
      if (ddl_model_meta_get_double (st, DDL_META_ADAM_T, &value))
        control[DDL_CONTROL_ADAM_T] = value;
      if (ddl_model_meta_get_double (st, DDL_META_NOISE_COUNTER, &value))
        control[DDL_CONTROL_NOISE] = value;
      if (ddl_model_meta_get_double (st, DDL_META_DROPOUT_COUNTER, &value))
        control[DDL_CONTROL_DROPOUT] = value;
      if (!ddl_buffer_write (model->adam_m, 0, m, t->n_params * 4, error)
          || !ddl_buffer_write (model->adam_v, 0, v, t->n_params * 4, error)
          || !ddl_buffer_write (model->control, 0, control, sizeof control, error))
        return NULL;
    }
  model->epoch = info.epoch;
  model->step = info.step;
  model->skipped = info.skipped;
  model->lr = config->lr;
  if (ddl_model_meta_get_double (st, DDL_META_CURRENT_LR, &value))
    model->lr = value;
  if (!init_control (model, error))
    return NULL;
  ddl_model_set_fingerprint (model, info.fingerprint);
  return g_steal_pointer (&model);
}
