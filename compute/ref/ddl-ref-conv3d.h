/* Reference implementations of the conv3d kernels (see ddl-ref.h for conventions).
 *
 * PyTorch's nn.Conv3d (Cin, Cout, kernel (KT, 3, 3), padding (KT / 2, 1, 1),
 * stride 1, bias), KT odd, evaluated only for the output frames [t0, t1): the
 * model keeps just the centre frame of every skip connection. Tensors are plain
 * NCTHW; the output and its gradient hold t1 - t0 frames. */
#pragma once

void ddl_ref_conv3d_fwd (double       *out,
                         const double *in,
                         const double *weight,
                         const double *bias,
                         int B, int Cin, int Cout, int T, int H, int W, int KT,
                         int t0, int t1);

/* din = (accumulate ? din : 0) + d(sum out * dout) / d in. */
void ddl_ref_conv3d_bwd_data (double       *din,
                              const double *dout,
                              const double *weight,
                              int B, int Cin, int Cout, int T, int H, int W, int KT,
                              int t0, int t1, int accumulate);

/* dweight (and dbias unless NULL) = (accumulate ? old : 0) + their gradients. */
void ddl_ref_conv3d_bwd_weight (double       *dweight,
                                double       *dbias,
                                const double *dout,
                                const double *in,
                                int B, int Cin, int Cout, int T, int H, int W, int KT,
                                int t0, int t1, int accumulate);
