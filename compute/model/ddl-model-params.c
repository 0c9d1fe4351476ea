/* The parameter table of UNet and Conv3dSkipUNet, built block by block in the
 * order PyTorch registers the modules. */
#include "ddl-model-params.h"

#include <math.h>
#include <string.h>

const guint ddl_block_kernels[3] = { 3, 5, 7 };

typedef struct {
  DdlParamTable *t;
} Builder;

static guint64
add (DdlParamTable *t, const char *name, DdlParamKind kind, guint n_dims, const guint64 *shape,
     guint fan_in)
{
  DdlParamSpec *s = g_new0 (DdlParamSpec, 1);
  s->name = g_strdup (name);
  s->kind = kind;
  s->n_dims = n_dims;
  s->numel = 1;
  for (guint i = 0; i < n_dims; i++)
    {
      s->shape[i] = shape[i];
      s->numel *= shape[i];
    }
  s->fan_in = fan_in;
  switch (kind)
    {
    case DDL_PARAM_BN_RUNNING_MEAN:
    case DDL_PARAM_BN_RUNNING_VAR:
      s->offset = t->n_state;
      t->n_state += (s->numel + DDL_PARAM_ALIGN_FLOATS - 1) / DDL_PARAM_ALIGN_FLOATS
                    * DDL_PARAM_ALIGN_FLOATS;
      break;
    case DDL_PARAM_BN_NUM_BATCHES:
      s->offset = t->n_counters++;
      break;
    default:
      s->offset = t->n_params;
      t->n_params += (s->numel + DDL_PARAM_ALIGN_FLOATS - 1) / DDL_PARAM_ALIGN_FLOATS
                     * DDL_PARAM_ALIGN_FLOATS;
    }
  g_ptr_array_add (t->specs, s);
  return s->offset;
}

static DdlConvSlot
add_conv2d (DdlParamTable *t, const char *prefix, guint cin, guint cout, guint k)
{
  g_autofree char *w = g_strdup_printf ("%s.weight", prefix);
  g_autofree char *b = g_strdup_printf ("%s.bias", prefix);
  guint64 shape[4] = { cout, cin, k, k };
  guint64 bshape[1] = { cout };
  DdlConvSlot slot;
  slot.weight = add (t, w, DDL_PARAM_CONV_WEIGHT, 4, shape, cin * k * k);
  slot.bias = add (t, b, DDL_PARAM_CONV_BIAS, 1, bshape, cin * k * k);
  return slot;
}

static DdlBnSlot
add_bn (DdlParamTable *t, const char *prefix, guint c)
{
  static const char *suffix[] = { "weight", "bias", "running_mean", "running_var",
                                  "num_batches_tracked" };
  guint64 shape[1] = { c };
  guint64 offsets[5];
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", prefix, suffix[i]);
      offsets[i] = add (t, name, DDL_PARAM_BN_WEIGHT + i, i == 4 ? 0 : 1, shape, 0);
    }
  return (DdlBnSlot) { offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], c };
}

static void
add_block (DdlParamTable *t, DdlBlockSlot *slot, const char *prefix, guint cin, guint cout,
           gboolean decode, gboolean last)
{
  guint k_in = decode ? 4 : 1, k_out = decode ? 1 : 4;
  slot->cin = cin;
  slot->cout = cout;
  slot->decode = decode;
  slot->last = last;
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.convs.%u", prefix, i);
      slot->convs[i] = add_conv2d (t, name, cin, k_in * cout, ddl_block_kernels[i]);
    }
  g_autofree char *bn1 = g_strdup_printf ("%s.batch_norm_1", prefix);
  slot->bn1 = add_bn (t, bn1, 3 * k_in * cout);
  g_autofree char *conv_last = g_strdup_printf ("%s.conv_last", prefix);
  slot->conv_last = add_conv2d (t, conv_last, 3 * k_out * cout, cout, 1);
  /* The last decoder block skips BN2 and ReLU but still owns the BN. */
  g_autofree char *bn2 = g_strdup_printf ("%s.batch_norm_2", prefix);
  slot->bn2 = add_bn (t, bn2, cout);
}

DdlParamTable *
ddl_param_table_new (const DdlModelConfig *config)
{
  DdlParamTable *t = g_new0 (DdlParamTable, 1);
  guint L = config->latent, C = config->channels;
  guint l3 = L / 2, l2 = l3 / 2, l1 = l2 / 2;
  guint w[4] = { l1, l2, l3, L };

  t->specs = g_ptr_array_new ();
  memcpy (t->widths, w, sizeof w);
  add_block (t, &t->enc[0], "encoder.conv_1", C, l1, FALSE, FALSE);
  add_block (t, &t->enc[1], "encoder.conv_2", l1, l2, FALSE, FALSE);
  add_block (t, &t->enc[2], "encoder.conv_3", l2, l3, FALSE, FALSE);
  add_block (t, &t->enc[3], "encoder.conv_4", l3, L, FALSE, FALSE);
  add_block (t, &t->dec[0], "decoder.conv_1", L, l3, TRUE, FALSE);
  add_block (t, &t->dec[1], "decoder.conv_2", 2 * l3, l2, TRUE, FALSE);
  add_block (t, &t->dec[2], "decoder.conv_3", 2 * l2, l1, TRUE, FALSE);
  add_block (t, &t->dec[3], "decoder.conv_4", 2 * l1, C, TRUE, TRUE);
  if (config->arch == DDL_ARCH_C3DSU)
    for (guint i = 0; i < 4; i++)
      {
        g_autofree char *wname = g_strdup_printf ("conv%u.weight", i + 1);
        g_autofree char *bname = g_strdup_printf ("conv%u.bias", i + 1);
        guint T = config->temporal;
        guint64 shape[5] = { w[i], w[i], T, 3, 3 };
        guint64 bshape[1] = { w[i] };
        t->skip[i].weight = add (t, wname, DDL_PARAM_CONV_WEIGHT, 5, shape, w[i] * T * 9);
        t->skip[i].bias = add (t, bname, DDL_PARAM_CONV_BIAS, 1, bshape, w[i] * T * 9);
      }
  t->network_end = t->n_params;
  guint64 one[1] = { 1 };
  t->anomaly = add (t, "pseudo_anomaly_creator.anomaly_weight", DDL_PARAM_ANOMALY_WEIGHT, 1, one,
                    0);
  return t;
}

void
ddl_param_table_free (DdlParamTable *table)
{
  if (table == NULL)
    return;
  for (guint i = 0; i < table->specs->len; i++)
    {
      DdlParamSpec *s = table->specs->pdata[i];
      g_free (s->name);
      g_free (s);
    }
  g_ptr_array_unref (table->specs);
  g_free (table);
}

const DdlParamSpec *
ddl_param_table_find (DdlParamTable *table, const char *name)
{
  for (guint i = 0; i < table->specs->len; i++)
    {
      DdlParamSpec *s = table->specs->pdata[i];
      if (g_str_equal (s->name, name))
        return s;
    }
  return NULL;
}

/* splitmix64: seeded, portable, good enough for initial weights. */
static double
uniform (guint64 *state)
{
  guint64 z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double) (z >> 11) / 9007199254740992.0;
}

void
ddl_param_table_init_values (DdlParamTable *table, guint64 seed, float *params, float *state)
{
  guint64 rng = seed ^ 0xD1B54A32D192ED03ull;

  memset (params, 0, table->n_params * sizeof (float));
  memset (state, 0, table->n_state * sizeof (float));
  for (guint i = 0; i < table->specs->len; i++)
    {
      DdlParamSpec *s = table->specs->pdata[i];
      switch (s->kind)
        {
        case DDL_PARAM_CONV_WEIGHT:
        case DDL_PARAM_CONV_BIAS:
          {
            /* kaiming_uniform_(a = sqrt(5)) and the bias rule both give
             * U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
            double bound = 1.0 / sqrt ((double) s->fan_in);
            for (guint64 j = 0; j < s->numel; j++)
              params[s->offset + j] = (float) ((2.0 * uniform (&rng) - 1.0) * bound);
            break;
          }
        case DDL_PARAM_BN_WEIGHT:
          for (guint64 j = 0; j < s->numel; j++)
            params[s->offset + j] = 1.0f;
          break;
        case DDL_PARAM_BN_RUNNING_VAR:
          for (guint64 j = 0; j < s->numel; j++)
            state[s->offset + j] = 1.0f;
          break;
        default:
          break;  /* zeros: BN beta, running mean, l */
        }
    }
}
