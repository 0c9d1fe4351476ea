/* The training window's progress: the progress bar's text, the stage, the live plots
 * and tiles from the worker's updates, and the summary line of a finished run. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-train-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

/* Plot series names (not translated: they are the paper's symbols). */
#define S_RECON "L_recon"
#define S_DIST  "L_dist"
#define S_TOTAL "total"
#define S_SIGMA "σ(ℓ)"

/* "3 min left", "40 s left", "1 h 5 min left"; NULL when unknown. */
static char *
time_left (double seconds)
{
  if (!isfinite (seconds) || seconds < 0)
    return NULL;
  if (seconds < 60)
    return g_strdup_printf (_("%.0f s left"), MAX (ceil (seconds), 1));
  if (seconds < 3600)
    return g_strdup_printf (_("%.0f min left"), ceil (seconds / 60));
  return g_strdup_printf (_("%u h %u min left"), (guint) (seconds / 3600),
                          (guint) fmod (seconds / 60, 60));
}

char *
_ddl_train_duration (double seconds)
{
  if (seconds < 60)
    return g_strdup_printf (_("%.0f s"), seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%u min %u s"), (guint) (seconds / 60), (guint) fmod (seconds, 60));
  return g_strdup_printf (_("%u h %u min"), (guint) (seconds / 3600),
                          (guint) fmod (seconds / 60, 60));
}

static const char *
stage_title (DdlPipelineStage stage)
{
  switch (stage)
    {
    case DDL_PIPELINE_STAGE_SYNTH: return _("Generating the synthetic walkway");
    case DDL_PIPELINE_STAGE_BOXES: return _("Tracking objects for the pseudo anomalies");
    case DDL_PIPELINE_STAGE_TRAIN: return _("Training");
    case DDL_PIPELINE_STAGE_SCORE: return _("Scoring the test videos");
    case DDL_PIPELINE_STAGE_REPORT: return _("Writing the report");
    case DDL_PIPELINE_STAGE_RENDER: return _("Rendering the comparison video");
    case DDL_PIPELINE_STAGE_DONE:
    default: return _("Done");
    }
}

static const char *
queue_title (DdlTrainWindow *self, guint model)
{
  return model < self->n_queue ? _ddl_train_mode_title (self->queue[model].config.mode) : "";
}

/* ---- updates -------------------------------------------------------------------------- */

static guint
series_for (DdlLossPlot *plot, const char *label, guint model, DdlLossStyle style)
{
  int s = ddl_loss_plot_find_series (plot, label, model);
  return s >= 0 ? (guint) s : ddl_loss_plot_add_series (plot, label, model, style);
}

static void
add_points (DdlTrainWindow *self, GArray *points)
{
  for (guint i = 0; i < points->len; i++)
    {
      const DdlTrainPoint *p = &g_array_index (points, DdlTrainPoint, i);
      gboolean pseudo = p->model < self->n_queue
                        && self->queue[p->model].config.mode != DDL_MODE_BASELINE;
      if (p->skipped)   /* a batch without a track changes nothing */
        continue;
      ddl_loss_plot_set_group_name (self->loss_plot, p->model, queue_title (self, p->model));
      ddl_loss_plot_set_current_group (self->loss_plot, p->model);
      ddl_loss_plot_append (self->loss_plot,
                            series_for (self->loss_plot, S_TOTAL, p->model, DDL_LOSS_STYLE_SOLID),
                            p->step, p->total);
      ddl_loss_plot_append (self->loss_plot,
                            series_for (self->loss_plot, S_RECON, p->model, DDL_LOSS_STYLE_DASHED),
                            p->step, p->recon);
      if (!pseudo)   /* the baseline has no L_dist and no anomaly weight */
        continue;
      ddl_loss_plot_append (self->loss_plot,
                            series_for (self->loss_plot, S_DIST, p->model, DDL_LOSS_STYLE_DOTTED),
                            p->step, p->dist);
      ddl_loss_plot_set_group_name (self->sigma_plot, p->model, queue_title (self, p->model));
      ddl_loss_plot_set_current_group (self->sigma_plot, p->model);
      ddl_loss_plot_append (self->sigma_plot,
                            series_for (self->sigma_plot, S_SIGMA, p->model, DDL_LOSS_STYLE_SOLID),
                            p->step, p->sigma);
    }
}

void
_ddl_train_window_progress (DdlTrainWindow *self, DdlTrainUpdate *u)
{
  g_autofree char *text = NULL;
  g_autofree char *left = time_left (isfinite (u->seconds_left) ? u->seconds_left
                                                                : u->model_seconds_left);
  const char *paused = ddl_train_window_is_paused (self) ? _(" (paused)") : "";
  g_autofree char *stage = g_strdup_printf ("%s%s", stage_title (u->stage), paused);

  if (u->training)
    {
      g_autofree char *where = g_strdup_printf (_("Model %u of %u · %s · epoch %u/%u · step %u/%u"),
                                                u->model + 1, u->n_models,
                                                queue_title (self, u->model), u->epoch + 1,
                                                u->epochs, u->step_in_epoch, u->steps_per_epoch);
      text = left != NULL ? g_strdup_printf ("%s · %s", where, left) : g_strdup (where);
      self->step = u->step;
    }
  else
    {
      g_autofree char *where = u->total > 0 ? g_strdup_printf ("%s · %u/%u", stage_title (u->stage),
                                                               u->done, u->total)
                                            : g_strdup (stage_title (u->stage));
      if (u->stage == DDL_PIPELINE_STAGE_SCORE && u->model < self->n_queue)
        {
          char *with_model = g_strdup_printf (_("Model %u of %u · %s · %s"), u->model + 1,
                                              u->n_models, queue_title (self, u->model), where);
          g_free (where);
          where = with_model;
        }
      text = left != NULL ? g_strdup_printf ("%s · %s", where, left) : g_strdup (where);
    }
  gtk_label_set_text (self->stage_label, stage);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stage_label), u->message);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (u->fraction, 0, 1));
  add_points (self, u->points);
  if (u->preview != NULL)
    {
      DdlTrainPreview view = { u->preview->width, u->preview->height, u->preview->channels,
                               u->preview->clean, u->preview->pseudo, u->preview->rec_clean,
                               u->preview->rec_pseudo, u->preview->mask };
      ddl_preview_tiles_set (self->tiles, &view);
    }
}

/* ---- the summary ---------------------------------------------------------------------- */

char *
_ddl_train_window_summary (DdlTrainWindow *self, const DdlPipelineSummary *summary)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *took = _ddl_train_duration (summary->seconds);

  g_string_append_printf (text, _("Done in %s."), took);
  for (guint i = 0; i < self->n_queue; i++)
    {
      g_autofree char *name = g_strconcat (self->queue[i].name, ".safetensors", NULL);
      g_autofree char *path = g_build_filename (summary->out, "models", name, NULL);
      DdlCheckpointInfo info;
      double auc = i < G_N_ELEMENTS (summary->micro_auc) ? summary->micro_auc[i] : NAN;
      g_string_append_printf (text, "  %s:", queue_title (self, i));
      if (self->queue[i].config.mode != DDL_MODE_BASELINE
          && ddl_checkpoint_info_read (path, &info, NULL) && isfinite (info.sigma))
        g_string_append_printf (text, " σ(ℓ) %.3f,", info.sigma);
      if (isfinite (auc))
        g_string_append_printf (text, _(" AUC %.3f"), auc);
      else
        g_string_append (text, _(" no AUC (no labels)"));
      if (i + 1 < self->n_queue)
        g_string_append (text, " ·");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
