/* `ddl demo` end to end at the tiny configuration: --help, bad options and an
 * unwritable folder (exit 1, "ddl demo: ..."), a full run that prints the result table
 * and the report path, and Ctrl+C during training (exit 130, checkpoint kept). */
#include "ddl-test-util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

static char *base_dir;

static char *
test_dir (const char *name)
{
  return g_build_filename (base_dir, name, NULL);
}

static char *
ddl_binary (void)
{
  const char *build = g_getenv ("DDL_BUILD_DIR");
  g_autofree char *path = build != NULL ? g_build_filename (build, "app", "ddl", NULL) : NULL;
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  return g_steal_pointer (&path);
}

static int
run_ddl (const char *const *argv, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli (void)
{
  g_autofree char *ddl = ddl_binary ();
  g_autofree char *out = test_dir ("cli");
  g_autofree char *file = test_dir ("cli-file");
  g_autofree char *under_file = g_build_filename (file, "x", NULL);
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_autofree char *report_line = g_strdup_printf ("report: %s\n", index);

  if (ddl == NULL)
    {
      g_test_skip ("DDL_BUILD_DIR/app/ddl not found (run through meson test)");
      return;
    }
  {
    const char *argv[] = { ddl, "demo", "--help", NULL };
    g_autofree char *stdout_text = NULL, *stderr_text = NULL;
    g_assert_cmpint (run_ddl (argv, &stdout_text, &stderr_text), ==, 0);
    g_assert_nonnull (strstr (stdout_text, "--tiny"));
    g_assert_nonnull (strstr (stdout_text, "numbers mean nothing"));
  }
  {
    const char *argv[] = { ddl, "demo", "--tiny", "--out", out, "--models", "sdl,unet", NULL };
    g_autofree char *stdout_text = NULL, *stderr_text = NULL;
    g_assert_cmpint (run_ddl (argv, &stdout_text, &stderr_text), ==, 1);
    g_assert_true (g_str_has_prefix (stderr_text, "ddl demo: --models"));
  }
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  {
    const char *argv[] = { ddl, "demo", "--tiny", "--out", under_file, NULL };
    g_autofree char *stdout_text = NULL, *stderr_text = NULL;
    g_assert_cmpint (run_ddl (argv, &stdout_text, &stderr_text), ==, 1);
    g_assert_true (g_str_has_prefix (stderr_text, "ddl demo: "));
    g_assert_nonnull (strstr (stderr_text, under_file));
  }
  if (!ddl_test_engine ())
    return;
  {
    const char *argv[] = { ddl, "demo", "--tiny", "--out", out, NULL };
    g_autofree char *stdout_text = NULL, *stderr_text = NULL;
    gint64 start = g_get_monotonic_time ();
    int status = run_ddl (argv, &stdout_text, &stderr_text);
    if (status != 0)
      g_error ("ddl demo --tiny failed (%d): %s", status, stderr_text);
    g_test_message ("ddl demo --tiny: %.1f s", (g_get_monotonic_time () - start) / 1e6);
    /* the table: a header and a row per model with four percentages */
    g_assert_true (g_str_has_prefix (stdout_text, "model "));
    g_assert_nonnull (strstr (stdout_text, "micro AUC"));
    g_auto(GStrv) lines = g_strsplit (stdout_text, "\n", -1);
    for (guint i = 1; i <= 2; i++)
      {
        double value[5];
        char name[16], mode[16];
        g_assert_cmpint (sscanf (lines[i], "%15s %15s %lf %lf %lf %lf %lf", name, mode, &value[0],
                                 &value[1], &value[2], &value[3], &value[4]), ==, 7);
        g_assert_cmpstr (name, ==, i == 1 ? "sdl" : "ddl");
        g_assert_true (value[1] >= 0 && value[1] <= 100);
      }
    g_assert_nonnull (strstr (stdout_text, report_line));
    g_assert_nonnull (strstr (stdout_text, "video:  "));
    g_assert_nonnull (strstr (stderr_text, "Training ddl"));
    g_assert_true (g_file_test (index, G_FILE_TEST_EXISTS));
  }
}

/* Ctrl+C while training: exit status 130, the checkpoint of the model in training is
 * kept and the next run continues it. */
static void
test_cli_sigint (void)
{
  g_autofree char *ddl = ddl_binary ();
  g_autofree char *out = test_dir ("cli-sigint");
  g_autofree char *ckpt = g_build_filename (out, "models", "sdl.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  char *line;

  if (ddl == NULL)
    {
      g_test_skip ("DDL_BUILD_DIR/app/ddl not found (run through meson test)");
      return;
    }
  if (!ddl_test_engine ())
    return;
  /* 3 epochs of 18 steps, so the signal lands while the first model trains. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, ddl, "demo", "--tiny", "--epochs", "3", "--no-render",
                              "--out", out, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL)
    {
      gboolean training = strstr (line, "Training sdl") != NULL;
      g_string_append_printf (seen, "%s\n", line);
      g_free (line);
      if (training)
        break;
    }
  g_assert_nonnull (strstr (seen->str, "Training sdl"));
  g_subprocess_send_signal (process, SIGINT);
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL)
    {
      g_string_append_printf (seen, "%s\n", line);
      g_free (line);
    }
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 130)
    g_error ("expected exit status 130 after SIGINT; stderr:\n%s", seen->str);
  g_assert_nonnull (strstr (seen->str, "Run the same command to continue"));
  g_assert_true (g_file_test (ckpt, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  base_dir = g_dir_make_tmp ("ddl-test-demo-cli-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  g_test_add_func ("/demo/cli", test_cli);
  g_test_add_func ("/demo/cli-sigint", test_cli_sigint);
  status = g_test_run ();
  ddl_test_engine_shutdown ();
  ddl_test_remove_tree (base_dir);
  g_free (base_dir);
  return status;
}
