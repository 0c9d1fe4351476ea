/* Compile-time unrolling for the conv kernels.
 *
 * REP (n, S, V) pastes statement S n times, each copy in its own block with
 * `const int V` = 0 .. n-1, so S can index register arrays with constants. Why
 * not plain loops: Mesa's NIR unroller gives up on bodies this large, and then
 * the accumulators would live in scratch memory and every inner iteration would
 * count against lavapipe's 65,535-iteration limit. Nested REPs need different V
 * names; S must not contain a comma outside parentheses. */
#define REP0(S, V)
#define REP1(S, V) { const int V = 0; S }
#define REP2(S, V) REP1 (S, V) { const int V = 1; S }
#define REP3(S, V) REP2 (S, V) { const int V = 2; S }
#define REP4(S, V) REP3 (S, V) { const int V = 3; S }
#define REP5(S, V) REP4 (S, V) { const int V = 4; S }
#define REP6(S, V) REP5 (S, V) { const int V = 5; S }
#define REP7(S, V) REP6 (S, V) { const int V = 6; S }
#define REP8(S, V) REP7 (S, V) { const int V = 7; S }
#define REP9(S, V) REP8 (S, V) { const int V = 8; S }
#define REP10(S, V) REP9 (S, V) { const int V = 9; S }
#define REP11(S, V) REP10 (S, V) { const int V = 10; S }
#define REP12(S, V) REP11 (S, V) { const int V = 11; S }
#define REP13(S, V) REP12 (S, V) { const int V = 12; S }
#define REP14(S, V) REP13 (S, V) { const int V = 13; S }
#define REP15(S, V) REP14 (S, V) { const int V = 14; S }
#define REP16(S, V) REP15 (S, V) { const int V = 15; S }
#define REP17(S, V) REP16 (S, V) { const int V = 16; S }
#define REP18(S, V) REP17 (S, V) { const int V = 17; S }
#define REP19(S, V) REP18 (S, V) { const int V = 18; S }
#define REP20(S, V) REP19 (S, V) { const int V = 19; S }
#define REP21(S, V) REP20 (S, V) { const int V = 20; S }
#define REP22(S, V) REP21 (S, V) { const int V = 21; S }
#define REP23(S, V) REP22 (S, V) { const int V = 22; S }
#define REP24(S, V) REP23 (S, V) { const int V = 23; S }
#define REP25(S, V) REP24 (S, V) { const int V = 24; S }
#define REP26(S, V) REP25 (S, V) { const int V = 25; S }
#define REP27(S, V) REP26 (S, V) { const int V = 26; S }
#define REP28(S, V) REP27 (S, V) { const int V = 27; S }
#define REP29(S, V) REP28 (S, V) { const int V = 28; S }
#define REP30(S, V) REP29 (S, V) { const int V = 29; S }
#define REP31(S, V) REP30 (S, V) { const int V = 30; S }
#define REP32(S, V) REP31 (S, V) { const int V = 31; S }
#define REP33(S, V) REP32 (S, V) { const int V = 32; S }
#define REP34(S, V) REP33 (S, V) { const int V = 33; S }
#define REP35(S, V) REP34 (S, V) { const int V = 34; S }
#define REP36(S, V) REP35 (S, V) { const int V = 35; S }
#define REP37(S, V) REP36 (S, V) { const int V = 36; S }
#define REP38(S, V) REP37 (S, V) { const int V = 37; S }
#define REP39(S, V) REP38 (S, V) { const int V = 38; S }
#define REP40(S, V) REP39 (S, V) { const int V = 39; S }
#define REP41(S, V) REP40 (S, V) { const int V = 40; S }
#define REP42(S, V) REP41 (S, V) { const int V = 41; S }
#define REP43(S, V) REP42 (S, V) { const int V = 42; S }
#define REP44(S, V) REP43 (S, V) { const int V = 43; S }
#define REP45(S, V) REP44 (S, V) { const int V = 44; S }
#define REP46(S, V) REP45 (S, V) { const int V = 45; S }
#define REP47(S, V) REP46 (S, V) { const int V = 46; S }
#define REP48(S, V) REP47 (S, V) { const int V = 47; S }
#define REP49(S, V) REP48 (S, V) { const int V = 48; S }
#define REP50(S, V) REP49 (S, V) { const int V = 49; S }
#define REP51(S, V) REP50 (S, V) { const int V = 50; S }
#define REP52(S, V) REP51 (S, V) { const int V = 51; S }
#define REP53(S, V) REP52 (S, V) { const int V = 52; S }
#define REP54(S, V) REP53 (S, V) { const int V = 53; S }
#define REP55(S, V) REP54 (S, V) { const int V = 54; S }
#define REP56(S, V) REP55 (S, V) { const int V = 55; S }
#define REP57(S, V) REP56 (S, V) { const int V = 56; S }
#define REP58(S, V) REP57 (S, V) { const int V = 57; S }
#define REP59(S, V) REP58 (S, V) { const int V = 58; S }
#define REP60(S, V) REP59 (S, V) { const int V = 59; S }
#define REP61(S, V) REP60 (S, V) { const int V = 60; S }
#define REP62(S, V) REP61 (S, V) { const int V = 61; S }
#define REP63(S, V) REP62 (S, V) { const int V = 62; S }
#define REP64(S, V) REP63 (S, V) { const int V = 63; S }

/* n may itself be a macro (KS, TM): expand it before pasting. */
#define REP(n, S, V) REP_ (n, S, V)
#define REP_(n, S, V) REP##n (S, V)
