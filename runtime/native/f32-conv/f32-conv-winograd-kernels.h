// The kernels of Winograd F(2x2, 3x3) (WinogradKernels in kernels.h; the driver is
// f32-conv-winograd.cc), over a vector-traits type V, an ISA's masked lanes `Lanes` and
// the rows of its product tile (instantiated in f32-conv-winograd-<isa>.cc). Tiles are
// the vector lanes: tile t of a block is tile (t / TW, t % TW), and every array is
// [.., tile] with tiles contiguous, so the pooled tiles of a channel leave as one run of
// its output plane, and an unpooled tile row's outputs as two runs of output rows.
//
// Lanes provides: mask first(n) (the first n lanes, n clamped to [0, W]); load(mask, p)
// (zero outside the mask, reading nothing there) and store(mask, p, v); split(a, b,
// even, odd) (the even and odd floats of the 2W floats a, b) and interleave(a, b, lo,
// hi) (its inverse: a0 b0 a1 b1 ... over lo then hi); nan_lanes(mask, v) (a bit per
// lane of the mask where v is NaN).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include "../kernels.h"

namespace tsjit {
namespace {

template <class V, class Lanes, int ROWS>
struct Winograd {
  using R = typename V::reg;
  static constexpr int W = V::W;

  // d[q][l] = row[2l + q] for q < 4 and the lanes l; columns from `avail` on read as 0.
  static void load_tile_columns(const float* row, int64_t avail, R (&d)[4]) {
    Lanes::split(Lanes::load(Lanes::first(avail), row), Lanes::load(Lanes::first(avail - W), row + W), d[0], d[1]);
    Lanes::split(Lanes::load(Lanes::first(avail - 2), row + 2), Lanes::load(Lanes::first(avail - 2 - W), row + 2 + W),
                 d[2], d[3]);
  }

  // x[0..4) = B^T x: (x0 - x2, x1 + x2, x2 - x1, x1 - x3).
  static void input_transform_4(R (&x)[4]) {
    const R x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    x[0] = V::sub(x0, x2);
    x[1] = V::add(x1, x2);
    x[2] = V::sub(x2, x1);
    x[3] = V::sub(x1, x3);
  }

  // Tile row i reads input rows 2i to 2i + 3, and tile row i + 1 the last two of them
  // again: each row is loaded and transformed along its columns once.
  static void input(size_t C, size_t rows, size_t TW, const float* in, ptrdiff_t in_c, ptrdiff_t in_row, size_t width,
                    float* v, ptrdiff_t v_c, ptrdiff_t v_xi) {
    for (size_t c = 0; c < C; c++) {
      for (size_t j0 = 0; j0 < TW; j0 += W) {
        const int64_t n = int64_t(std::min<size_t>(W, TW - j0));
        const int64_t avail = std::min<int64_t>(int64_t(width) - int64_t(2 * j0), 2 * n + 2);
        const auto lanes = Lanes::first(n);
        const float* column0 = in + ptrdiff_t(c) * in_c + ptrdiff_t(2 * j0);
        R d[4][4];
        for (int r = 0; r < 2; r++) {
          load_tile_columns(column0 + ptrdiff_t(r) * in_row, avail, d[r]);
          input_transform_4(d[r]);
        }
        for (size_t i = 0; i < rows; i++) {
          for (int r = 2; r < 4; r++) {
            load_tile_columns(column0 + ptrdiff_t(2 * i + r) * in_row, avail, d[r]);
            input_transform_4(d[r]);
          }
          float* dst = v + ptrdiff_t(c) * v_c + ptrdiff_t(i * TW + j0);
#pragma GCC unroll 4
          for (int q = 0; q < 4; q++) {
            R column[4] = {d[0][q], d[1][q], d[2][q], d[3][q]};
            input_transform_4(column);
#pragma GCC unroll 4
            for (int a = 0; a < 4; a++) Lanes::store(lanes, dst + ptrdiff_t(4 * a + q) * v_xi, column[a]);
          }
#pragma GCC unroll 4
          for (int q = 0; q < 4; q++) {
            d[0][q] = d[2][q];
            d[1][q] = d[3][q];
          }
        }
      }
    }
  }

  // m[r * ldm + t] = sum over c < C of u[c * ldu + r] * v[c * ldv + t], for ROWS rows r
  // and NV vectors of tiles t, the sum in c order.
  template <int NV>
  static void gemm_tile(size_t C, const float* u, ptrdiff_t ldu, const float* v, ptrdiff_t ldv, float* m,
                        ptrdiff_t ldm) {
    R acc[ROWS][NV];
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 3
      for (int q = 0; q < NV; q++) acc[r][q] = V::zero();
    for (size_t c = 0; c < C; c++, u += ldu, v += ldv) {
      R x[NV];
#pragma GCC unroll 3
      for (int q = 0; q < NV; q++) x[q] = V::load(v + W * q);
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; r++) {
        const R w = V::set1(u[r]);
#pragma GCC unroll 3
        for (int q = 0; q < NV; q++) acc[r][q] = V::fmadd(w, x[q], acc[r][q]);
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 3
      for (int q = 0; q < NV; q++) V::store(m + r * ldm + W * q, acc[r][q]);
  }

  // The contract's 8 rows, ROWS at a time, and vectors of 16 tiles, 3 of this ISA's
  // vectors at a time.
  static void gemm(size_t C, size_t vectors, const float* u, ptrdiff_t ldu, const float* v, ptrdiff_t ldv, float* m,
                   ptrdiff_t ldm) {
    const size_t count = vectors * (16 / W);
    for (int r0 = 0; r0 < 8; r0 += ROWS) {
      const float* ur = u + r0;
      float* mr = m + r0 * ldm;
      size_t t = 0;
      for (; t + 3 <= count; t += 3) gemm_tile<3>(C, ur, ldu, v + W * t, ldv, mr + W * t, ldm);
      if (count - t == 2) gemm_tile<2>(C, ur, ldu, v + W * t, ldv, mr + W * t, ldm);
      if (count - t == 1) gemm_tile<1>(C, ur, ldu, v + W * t, ldv, mr + W * t, ldm);
    }
  }

  // y = A^T M A for the tiles of the vector at `at` (M[xi] at at + xi * m_xi), in
  // row-major order of the 2 x 2 tile: y00, y01, y10, y11.
  static void output_transform(const float* at, ptrdiff_t m_xi, R (&y)[4]) {
    // s[a][q]: A^T applied down the columns q of the 4 x 4 product.
    R s[2][4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
      const R m0 = V::load(at + q * m_xi), m1 = V::load(at + (4 + q) * m_xi);
      const R m2 = V::load(at + (8 + q) * m_xi), m3 = V::load(at + (12 + q) * m_xi);
      s[0][q] = V::add(V::add(m0, m1), m2);
      s[1][q] = V::sub(V::sub(m1, m2), m3);
    }
#pragma GCC unroll 2
    for (int a = 0; a < 2; a++) {
      y[2 * a] = V::add(V::add(s[a][0], s[a][1]), s[a][2]);
      y[2 * a + 1] = V::sub(V::sub(s[a][1], s[a][2]), s[a][3]);
    }
  }

  static bool output_pooled(size_t rows, size_t T, size_t TW, const float* m, ptrdiff_t m_row, ptrdiff_t m_xi,
                            const float* bias, float* out, ptrdiff_t o_row, ptrdiff_t oH, ptrdiff_t oW) {
    const bool runs = oW == 1 && oH == ptrdiff_t(TW);
    alignas(64) float pooled_lanes[W];
    int nonfinite = 0;
    for (size_t r = 0; r < rows; r++) {
      const R b = V::set1(bias[r]);
      for (size_t t0 = 0; t0 < T; t0 += W) {
        R y[4];
        output_transform(m + ptrdiff_t(r) * m_row + ptrdiff_t(t0), m_xi, y);
        // The window's four outputs through bias and relu (which lets NaN through), then
        // their max, NaN where any is: relu's results are NaN or at least 0, so their
        // sum is NaN exactly where one of them is.
#pragma GCC unroll 4
        for (int k = 0; k < 4; k++) y[k] = V::relu(V::add(y[k], b));
        const R sum = V::add(V::add(y[0], y[1]), V::add(y[2], y[3]));
        const R best = V::keep_nan(sum, V::max(V::max(y[0], y[1]), V::max(y[2], y[3])));
        const int64_t n = std::min<int64_t>(W, int64_t(T - t0));
        const auto lanes = Lanes::first(n);
        // best - best is NaN where best is NaN or infinite.
        nonfinite |= Lanes::nan_lanes(lanes, V::sub(best, best));
        float* dst = out + ptrdiff_t(r) * o_row;
        if (runs) {
          Lanes::store(lanes, dst + t0, best);
          continue;
        }
        V::store(pooled_lanes, best);
        for (int64_t l = 0; l < n; l++) {
          const size_t t = t0 + size_t(l);
          dst[ptrdiff_t(t / TW) * oH + ptrdiff_t(t % TW) * oW] = pooled_lanes[l];
        }
      }
    }
    return nonfinite != 0;
  }

  // Per tile row and vector of its tiles: the top outputs (y00, y01) interleaved into
  // output row 2i, the bottom ones into row 2i + 1, columns past OW (and a row past
  // out_rows) not written.
  static bool output_tiles(size_t rows, size_t tile_rows, size_t TW, size_t out_rows, size_t OW, const float* m,
                           ptrdiff_t m_row, ptrdiff_t m_xi, const float* bias, bool relu, float* out, ptrdiff_t o_row,
                           ptrdiff_t oH) {
    int nonfinite = 0;
    for (size_t r = 0; r < rows; r++) {
      const R b = V::set1(bias[r]);
      for (size_t i = 0; i < tile_rows; i++) {
        for (size_t j0 = 0; j0 < TW; j0 += W) {
          R y[4];
          output_transform(m + ptrdiff_t(r) * m_row + ptrdiff_t(i * TW + j0), m_xi, y);
#pragma GCC unroll 4
          for (int k = 0; k < 4; k++) y[k] = relu ? V::relu(V::add(y[k], b)) : V::add(y[k], b);
          const int64_t columns = int64_t(OW) - int64_t(2 * j0);
          const auto low = Lanes::first(columns), high = Lanes::first(columns - W);
#pragma GCC unroll 2
          for (int a = 0; a < 2; a++) {
            if (2 * i + size_t(a) >= out_rows) break;
            R lo, hi;
            Lanes::interleave(y[2 * a], y[2 * a + 1], lo, hi);
            float* dst = out + ptrdiff_t(r) * o_row + ptrdiff_t(2 * i + size_t(a)) * oH + ptrdiff_t(2 * j0);
            Lanes::store(low, dst, lo);
            Lanes::store(high, dst + W, hi);
            // x - x is NaN where x is NaN or infinite.
            nonfinite |= Lanes::nan_lanes(low, V::sub(lo, lo)) | Lanes::nan_lanes(high, V::sub(hi, hi));
          }
        }
      }
    }
    return nonfinite != 0;
  }
};

// u[xi * u_xi + c * ldu + o] = (G g G^T)[xi] for the 3 x 3 filter g of output channel
// o < O and input channel c < C, one filter at a time.
inline void winograd_weights_3x3(size_t C, size_t O, const float* w, const ptrdiff_t* s, float* u, ptrdiff_t ldu,
                                 ptrdiff_t u_xi) {
  for (size_t c = 0; c < C; c++) {
    for (size_t o = 0; o < O; o++) {
      const float* g = w + ptrdiff_t(o) * s[0] + ptrdiff_t(c) * s[1];
      float rows[4][3];
      for (int kw = 0; kw < 3; kw++) {
        const float g0 = g[kw * s[3]], g1 = g[s[2] + kw * s[3]], g2 = g[2 * s[2] + kw * s[3]];
        rows[0][kw] = g0;
        rows[1][kw] = 0.5f * (g0 + g1 + g2);
        rows[2][kw] = 0.5f * (g0 - g1 + g2);
        rows[3][kw] = g2;
      }
      float* dst = u + ptrdiff_t(c) * ldu + ptrdiff_t(o);
      for (int a = 0; a < 4; a++) {
        const float* r = rows[a];
        const float values[4] = {r[0], 0.5f * (r[0] + r[1] + r[2]), 0.5f * (r[0] - r[1] + r[2]), r[2]};
        for (int q = 0; q < 4; q++) dst[(4 * a + q) * u_xi] = values[q];
      }
    }
  }
}

}  // namespace
}  // namespace tsjit
