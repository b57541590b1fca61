// The direct convolution. The rows an output block reads are copied, zero-padded, into
// a per-thread buffer of rows Wp = OW + (KW - 1) * dilation wide, one plane per input
// channel (an unpadded input with contiguous rows is read in place instead, the tiles
// at the very end of its storage from a copy of their runs). Output (oh, ow) is then "wide" position oh * Wp + ow, and tap (c, kh, kw) of
// every wide position is the buffer's run from c * plane + kh * dilation * Wp +
// kw * dilation: the ISA's tile kernel multiplies the weights by those shifted runs
// straight from the buffer, NR wide positions by MR output channels at a time. Each
// tile (in L1) gets the activation, then its positions with ow < OW are copied out.
// Columns of positions go outermost, so their input stays in L1 while every output
// channel's weights stream past it. With few taps (K <= kConvMaxTaps) and an ISA that
// has the taps kernel, each output row comes straight from the buffer instead
// (f32-conv-taps.h), with no tile to copy out.
#include "f32-conv-direct.h"
#include "f32-conv-weights.h"
#include <algorithm>
#include <cstring>
#include <vector>

namespace tsjit {
namespace {

thread_local std::vector<float> t_padded;
thread_local std::vector<ptrdiff_t> t_offsets;
thread_local std::vector<ptrdiff_t> t_gathered_offsets;

// to[0, n) = from[0, n) for a short run (an input row): fixed-size copies that compile
// inline, where std::copy would call memmove once per row.
inline void copy_run(const float* from, int64_t n, float* to) {
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) std::memcpy(to + j, from + j, 8 * sizeof(float));
  if (n - j >= 4) {
    std::memcpy(to + j, from + j, 4 * sizeof(float));
    j += 4;
  }
  for (; j < n; j++) to[j] = from[j];
}

// Copies input rows [row0, row0 + rows_in) - pad_h (zero outside the input) of channels
// [0, Cg) from `channels`, each Wp wide from column -pad_w, into planes `plane` apart.
void copy_padded(const float* channels, int64_t Cg, const View4<const float>& in, int64_t row0, int64_t rows_in,
                 int64_t Wp, int64_t plane, const ConvParams& p, float* dst) {
  const int64_t H = in.dim[2], W = in.dim[3], sC = in.stride[1], sH = in.stride[2], sW = in.stride[3];
  const int64_t x0 = std::min(Wp, p.pad_w), x1 = std::min(Wp, W + p.pad_w);  // columns holding input
  for (int64_t c = 0; c < Cg; c++) {
    for (int64_t y = 0; y < rows_in; y++) {
      float* d = dst + c * plane + y * Wp;
      const int64_t ih = row0 + y - p.pad_h;
      if (ih < 0 || ih >= H || x0 >= x1) {
        std::fill(d, d + Wp, 0.0f);
        continue;
      }
      std::fill(d, d + x0, 0.0f);
      const float* s = channels + c * sC + ih * sH + (x0 - p.pad_w) * sW;
      if (sW == 1) {
        copy_run(s, x1 - x0, d + x0);
      } else {
        for (int64_t x = x0; x < x1; x++, s += sW) d[x] = *s;
      }
      std::fill(d + x1, d + Wp, 0.0f);
    }
  }
}

// Whether the input's own rows are the padded rows: no padding on any side (the output
// is as wide and as high as the kernel leaves it), rows of unit stride one after
// another, no negative stride (so view_end bounds every read).
bool reads_in_place(const View4<const float>& in, const View4<float>& out, const ConvParams& p, int64_t KH, int64_t KW) {
  const int64_t* s = in.stride;
  return p.pad_h == 0 && p.pad_w == 0 && out.dim[2] + (KH - 1) * p.dilation_h == in.dim[2] &&
         out.dim[3] + (KW - 1) * p.dilation_w == in.dim[3] && s[3] == 1 && (in.dim[2] == 1 || s[2] == in.dim[3]) &&
         s[0] >= 0 && s[1] >= 0;
}

// The view's last element (strides non-negative).
const float* view_end(const View4<const float>& in) {
  const float* e = in.data;
  for (int d = 0; d < 4; d++) e += (in.dim[d] - 1) * in.stride[d];
  return e;
}

// offsets[k] of tap (c, kh, kw): c * plane + kh * dilation_h * Wp + kw * dilation_w.
void fill_offsets(int64_t Cg, int64_t KH, int64_t KW, int64_t plane, int64_t Wp, const ConvParams& p,
                  std::vector<ptrdiff_t>& offsets) {
  offsets.resize(size_t(Cg * KH * KW));
  size_t k = 0;
  for (int64_t c = 0; c < Cg; c++)
    for (int64_t kh = 0; kh < KH; kh++)
      for (int64_t kw = 0; kw < KW; kw++) offsets[k++] = c * plane + kh * p.dilation_h * Wp + kw * p.dilation_w;
}

// dst[c * span + j] = source[c * plane + j] for c < Cg and j < span, zero past `last`.
void gather_runs(const float* source, int64_t Cg, int64_t plane, int64_t span, const float* last, float* dst) {
  for (int64_t c = 0; c < Cg; c++) {
    const int64_t available = std::max<int64_t>(0, std::min<int64_t>(span, (last - source) - c * plane + 1));
    if (available > 0) copy_run(source + c * plane, available, dst + c * span);
    std::fill(dst + c * span + available, dst + (c + 1) * span, 0.0f);
  }
}

// The runs of wide positions [p0, p0 + NR) below `positions` whose ow < OW, as
// positions of output rows from oh0 on.
void tile_segments(int64_t p0, int64_t NR, int64_t positions, int64_t Wp, int64_t OW, int64_t oh0,
                   std::vector<ConvSegment>& segments) {
  segments.clear();
  const int64_t end = std::min(p0 + NR, positions);
  for (int64_t q = p0; q < end;) {
    const int64_t oh = q / Wp, ow = q % Wp;
    if (ow >= OW) {
      q = (oh + 1) * Wp;
      continue;
    }
    const int64_t length = std::min(OW - ow, end - q);
    segments.push_back({q - p0, (oh0 + oh) * OW + ow, length});
    q += length;
  }
}

}  // namespace

bool direct_conv_fits(const IsaKernels& isa, const View4<const float>& weight, const View4<float>& out,
                      const ConvParams& p) {
  const int64_t KH = weight.dim[2], KW = weight.dim[3], OH = out.dim[2], OW = out.dim[3], NR = isa.conv.nr;
  const int64_t Wp = OW + (KW - 1) * p.dilation_w;
  const int64_t computed = (OH * Wp + NR - 1) / NR * NR;
  return p.stride_h == 1 && p.stride_w == 1 && (KH > 1 || KW > 1) && 3 * OH * OW >= 2 * computed;
}

DirectConv::DirectConv(const IsaKernels& isa, const View4<const float>& weight, const float* bias, ptrdiff_t bias_stride,
                       const View4<float>& out, const ConvParams& p)
    : isa_(isa), out_(out), p_(p), Cg_(weight.dim[1]), KH_(weight.dim[2]), KW_(weight.dim[3]) {
  const int64_t O = out.dim[1];
  K_ = Cg_ * KH_ * KW_;
  const Matrix w = weight_matrix(weight, weight_copy_, true);
  weights_ = w.data;
  rs_w_ = w.rs;
  bias_.assign(size_t(O + isa.conv.mr - 1), 0.0f);
  if (bias != nullptr)
    for (int64_t o = 0; o < O; o++) bias_[size_t(o)] = bias[o * bias_stride];
}

void DirectConv::rows(const View4<const float>& in, int64_t n, int64_t oh0, int64_t rows, int64_t o_begin,
                      int64_t o_end) const {
  const IsaKernels& isa = isa_;
  const View4<float>& out = out_;
  const ConvParams& p = p_;
  const int64_t MR = isa.conv.mr, NR = isa.conv.nr, Cg = Cg_, KH = KH_, KW = KW_, K = K_;
  const int64_t O = out.dim[1], OW = out.dim[3], G = p.groups, Og = O / G;
  const int64_t Wp = OW + (KW - 1) * p.dilation_w, rows_in = rows + (KH - 1) * p.dilation_h;
  const int64_t positions = rows * Wp;
  const int64_t reach = (KH - 1) * p.dilation_h * Wp + (KW - 1) * p.dilation_w;  // the furthest tap's shift
  const ptrdiff_t oC = out.stride[1], oW = out.stride[3];
  const bool in_place = reads_in_place(in, out, p, KH, KW);
  // In place, planes are the input's channels; otherwise the padded copy's planes, with
  // the last tile's overrun (up to NR - 1 positions past `positions`, then `reach`) zero.
  const int64_t plane = in_place ? in.stride[1] : rows_in * Wp;
  fill_offsets(Cg, KH, KW, plane, Wp, p, t_offsets);
  if (in_place) {
    fill_offsets(Cg, KH, KW, NR + reach, Wp, p, t_gathered_offsets);
    t_padded.resize(size_t(Cg * (NR + reach)));
  } else {
    t_padded.resize(size_t(Cg * plane + reach + NR));
    std::fill(t_padded.begin() + Cg * plane, t_padded.end(), 0.0f);
  }
  const float* last = view_end(in);
  std::vector<ConvSegment> segments;
  float* first = out.data + n * out.stride[0];
  // Few taps: output rows straight from the buffer, no tiles (their epilogue would cost more than the FMAs).
  const bool by_rows = isa.conv.taps != nullptr && K <= int64_t(kConvMaxTaps) && oW == 1;
  for (int64_t g = o_begin / Og; g < G && g * Og < o_end; g++) {
    const int64_t o_lo = std::max(g * Og, o_begin), o_hi = std::min((g + 1) * Og, o_end);
    const float* channels = in.data + n * in.stride[0] + g * Cg * in.stride[1];
    const float* base = channels + oh0 * Wp;
    if (!in_place) {
      copy_padded(channels, Cg, in, oh0, rows_in, Wp, plane, p, t_padded.data());
      base = t_padded.data();
    }
    if (by_rows) {
      for (int64_t r = 0; r < rows; r++) {
        isa.conv.taps(size_t(o_hi - o_lo), size_t(OW), size_t(K), weights_ + o_lo * rs_w_, rs_w_, base + r * Wp,
                      t_offsets.data(), bias_.data() + o_lo, first + o_lo * oC + (oh0 + r) * OW, oC, isa.vunary, p.activation);
      }
      continue;
    }
    for (int64_t p0 = 0; p0 < positions; p0 += NR) {
      tile_segments(p0, NR, positions, Wp, OW, oh0, segments);
      const float* source = base + p0;
      const ptrdiff_t* offsets = t_offsets.data();
      // A tile at the end of the input's storage would read past it: its runs are gathered.
      if (in_place && (Cg - 1) * plane + reach + NR - 1 > last - source) {
        gather_runs(source, Cg, plane, NR + reach, last, t_padded.data());
        source = t_padded.data();
        offsets = t_gathered_offsets.data();
      }
      for (int64_t o0 = o_lo; o0 < o_hi; o0 += MR) {
        const int64_t mr = std::min(MR, o_hi - o0);
        const ConvTileOutput to{first + o0 * oC, oC, oW, segments.data(), segments.size(), isa.vunary, p.activation};
        isa.conv.ukernel(size_t(mr), size_t(K), weights_ + o0 * rs_w_, rs_w_, source, offsets, bias_.data() + o0, to);
      }
    }
  }
}

}  // namespace tsjit
