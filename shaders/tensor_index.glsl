/* Index arithmetic shared by the layers kernels. */

/* q = i / d and r = i % d for i < 2^31, 1 <= d < 2^23, without an integer divide:
 * lavapipe turns a vector udiv into eight scalar divisions, which would cost as
 * much as the memory traffic of an element-wise kernel. The float estimate is
 * within a few hundred of q; the exact integer remainder refines it, and a last
 * step fixes the off-by-one a float floor can leave. */
uint
ddl_divmod (uint i, uint d, out uint r)
{
  float inv = 1.0 / float (d);
  int q = int (float (i) * inv);
  int rem = int (i) - q * int (d);
  q += int (floor (float (rem) * inv));
  rem = int (i) - q * int (d);
  if (rem < 0)
    {
      q -= 1;
      rem += int (d);
    }
  else if (rem >= int (d))
    {
      q += 1;
      rem -= int (d);
    }
  r = uint (rem);
  return uint (q);
}
