/* Push constants of the conv kernels (see ddl-params.h for the rules).
 *
 * Tensors are NCHW float32 seen through channel-slice views: a view of C channels
 * at channel offset c0 inside a tensor of ctotal channels, so the model never
 * needs concat or split kernels. compute/ops/ddl-ops-conv.c fills these. */

/* conv2d_pack: weights (Cout, Cin, K, K) to the layout the direct kernels read,
 * (n_cb, cin, K, K, tm): blocks of tm output channels, the tm values of one tap
 * contiguous, zero past cout. With transpose set it packs the weights of the
 * transposed convolution instead (backward data): the conv's output channels are
 * the original input channels and the taps are flipped, so packed[cb][co][ky][kx][t]
 * = w[co][cb * tm + t][K-1-ky][K-1-kx]. cout and cin are the packed conv's. */
DDL_PUSH (DdlConv2dPackParams) {
  DDL_U32 n;            /* packed elements: n_cb * cin * k * k * tm */
  DDL_U32 cout;
  DDL_U32 cin;
  DDL_U32 k;
  DDL_U32 tm;
  DDL_U32 transpose;
} DDL_PUSH_END (DdlConv2dPackParams);

/* conv2d_fwd_kK: 'same' KxK convolution, stride 1, of channels [ci_begin, ci_end)
 * of the source view, into the destination view:
 *   dst = beta * dst + (add_bias ? bias : 0) + sum over those channels.
 * One invocation computes RB rows x 4 columns x TM output channels; tasks are the
 * (b, row block, column block) tiles of one block of TM output channels, padded
 * to tasks_pad (a multiple of 8) so that an 8-lane cluster shares its weights. */
DDL_PUSH (DdlConv2dParams) {
  DDL_U32 B;
  DDL_U32 H;
  DDL_U32 W;
  DDL_U32 cin;          /* input channels of the packed weights */
  DDL_U32 cout;
  DDL_U32 src_ctotal;
  DDL_U32 src_c0;
  DDL_U32 dst_ctotal;
  DDL_U32 dst_c0;
  DDL_U32 ci_begin;     /* this pass's input channels (the loop-budget chunk) */
  DDL_U32 ci_end;
  DDL_U32 n_cb;         /* blocks of TM output channels */
  DDL_U32 n_xb;         /* column blocks of 4 */
  DDL_U32 n_yb;         /* row blocks of RB */
  DDL_U32 tasks;        /* B * n_yb * n_xb */
  DDL_U32 tasks_pad;    /* tasks rounded up to a multiple of 8 */
  DDL_F32 beta;         /* 0: overwrite, 1: add to dst */
  DDL_U32 add_bias;
} DDL_PUSH_END (DdlConv2dParams);

/* conv2d_dw_kK: partial weight and bias gradients over one chunk of image rows.
 * An 8-lane cluster owns 8 * CL output channels (lane q: co = cg*8*CL + c*8 + q)
 * and TCI input channels; it walks rows_per_chunk rows of the flattened (b, y)
 * range in steps of 8 columns. It writes
 *   dw_part[((co * cin + ci) * K * K + tap) * n_chunks + chunk]
 *   db_part[co * n_chunks + chunk]            (clusters of the first ci block)
 * and the host sums over chunks with ddl_op_reduce_rows. With one chunk these are
 * dw and db themselves, and beta 1 adds to them. */
DDL_PUSH (DdlConv2dDwParams) {
  DDL_U32 B;
  DDL_U32 H;
  DDL_U32 W;
  DDL_U32 cin;
  DDL_U32 cout;
  DDL_U32 in_ctotal;
  DDL_U32 in_c0;
  DDL_U32 dout_ctotal;
  DDL_U32 dout_c0;
  DDL_U32 n_cg;         /* clusters along output channels */
  DDL_U32 n_cib;        /* blocks of TCI input channels */
  DDL_U32 n_chunks;
  DDL_U32 rows_per_chunk;
  DDL_U32 n_xs;         /* column steps of 8 per row */
  DDL_F32 beta;         /* part = beta * part + sum: lets one chunk write dw itself */
  DDL_U32 write_bias;   /* 0: no bias gradient, db_part is not written */
} DDL_PUSH_END (DdlConv2dDwParams);

/* Register blocking of the direct kernels, per kernel size; the shaders derive
 * their unroll counts from these and the host sizes its dispatches with them.
 * Forward / backward-data: TM output channels x RB rows x 4 columns per
 * invocation. Weight gradient: CL output channels per lane (8 * CL per cluster)
 * x TCI input channels per cluster. */
#define DDL_CONV2D_PX       4
#define DDL_CONV2D_K1_TM   16
#define DDL_CONV2D_K1_RB    2
#define DDL_CONV2D_K3_TM    8
#define DDL_CONV2D_K3_RB    4
#define DDL_CONV2D_K5_TM    8
#define DDL_CONV2D_K5_RB    4
#define DDL_CONV2D_K7_TM    8
#define DDL_CONV2D_K7_RB    4
#define DDL_CONV2D_DW_PX    8
#define DDL_CONV2D_K1_CL    4
#define DDL_CONV2D_K1_TCI  16
#define DDL_CONV2D_K3_CL    4
#define DDL_CONV2D_K3_TCI   4
#define DDL_CONV2D_K5_CL    2
#define DDL_CONV2D_K5_TCI   2
#define DDL_CONV2D_K7_CL    2
#define DDL_CONV2D_K7_TCI   2
