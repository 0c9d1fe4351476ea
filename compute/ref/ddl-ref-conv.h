/* Reference implementations of the conv kernels (see ddl-ref.h for conventions).
 *
 * PyTorch's nn.Conv2d (Cin, Cout, K, padding K / 2, stride 1, bias) for odd K:
 * 'same' output size, zero padding. Tensors are plain NCHW; the GPU operators'
 * channel-slice views are the tests' business. */
#pragma once

/* out = conv2d (in, weight) + bias (bias may be NULL). */
void ddl_ref_conv2d_fwd (double       *out,
                         const double *in,
                         const double *weight,
                         const double *bias,
                         int B, int Cin, int Cout, int H, int W, int K);

/* din = (accumulate ? din : 0) + d(sum out * dout) / d in. */
void ddl_ref_conv2d_bwd_data (double       *din,
                              const double *dout,
                              const double *weight,
                              int B, int Cin, int Cout, int H, int W, int K,
                              int accumulate);

/* dweight = (accumulate ? dweight : 0) + d(sum out * dout) / d weight. */
void ddl_ref_conv2d_bwd_weight (double       *dweight,
                                const double *dout,
                                const double *in,
                                int B, int Cin, int Cout, int H, int W, int K,
                                int accumulate);

/* dbias = (accumulate ? dbias : 0) + sum of dout over (B, H, W). */
void ddl_ref_conv2d_bwd_bias (double       *dbias,
                              const double *dout,
                              int B, int Cout, int H, int W,
                              int accumulate);
