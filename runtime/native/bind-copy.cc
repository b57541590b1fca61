// copy(layout, src, out): the strided gather behind .contiguous(), for float32 or int32
// (same type both sides: a bitwise copy). A row whose source is contiguous is a memcpy;
// a source laid out as a transpose of out's last two dims is copied in square tiles, so
// both sides stay in cache.
#include <algorithm>
#include <cstring>
#include "args.h"
#include "bindings.h"
#include "strided-args.h"

namespace tsjit {
namespace {

constexpr int64_t kTile = 32;

using Word = uint32_t;

void copy_row(const Word* src, int64_t stride, Word* out, int64_t n) {
  if (stride == 1) {
    if (src != out) std::memcpy(out, src, size_t(n) * sizeof(Word));
  } else if (stride == 0) {
    std::fill(out, out + n, src[0]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = src[i * stride];
  }
}

// The last two coalesced dims are a transpose when src walks out's columns with stride 1.
bool is_transpose(const StridedPlan<2>& p) {
  return p.rank >= 2 && p.stride[0][p.rank - 2] == 1 && p.stride[0][p.rank - 1] != 1 && p.stride[0][p.rank - 1] != 0;
}

// out's [rows, cols] matrices, each read from src's column-contiguous layout tile by tile;
// split over the pool by bands of kTile rows.
void copy_transposed(const StridedPlan<2>& p, const Word* src, Word* out) {
  const int r = p.rank;
  const int64_t rows = p.shape[r - 2], cols = p.shape[r - 1];
  const int64_t col_stride = p.stride[0][r - 1];
  const int64_t matrices = p.numel() / (rows * cols);
  const int64_t bands = (rows + kTile - 1) / kTile;
  split_rows(matrices * bands, kTile * cols, [&](int64_t first, int64_t count) {
    for (int64_t u = first; u < first + count; u++) {
      const int64_t m = u / bands;
      int64_t src_off = p.offset[0];
      for (int64_t d = r - 3, rest = m; d >= 0; d--) {
        src_off += (rest % p.shape[d]) * p.stride[0][d];
        rest /= p.shape[d];
      }
      const Word* s = src + src_off;
      Word* o = out + p.offset[1] + m * rows * cols;
      const int64_t i0 = (u % bands) * kTile, i1 = std::min(rows, i0 + kTile);
      // Writes along out's rows: with reads inner instead, a power-of-two stride sends
      // the tile's lines of both sides to the same few cache sets (6x slower at 512).
      for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
        const int64_t j1 = std::min(cols, j0 + kTile);
        for (int64_t i = i0; i < i1; i++) {
          for (int64_t j = j0; j < j1; j++) o[i * cols + j] = s[i + j * col_stride];
        }
      }
    }
  });
}

bool is_word_array(const Napi::Value& v) {
  if (!v.IsTypedArray()) return false;
  const napi_typedarray_type t = v.As<Napi::TypedArray>().TypedArrayType();
  return t == napi_float32_array || t == napi_int32_array;
}

Napi::Value Copy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "copy";
  expect_arg_count(info, fn, 3);
  if (!is_word_array(info[1]) || !is_word_array(info[2]) ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != info[2].As<Napi::TypedArray>().TypedArrayType()) {
    throw Napi::TypeError::New(env, "tsjit native copy(): src and out must be both Float32Arrays or both Int32Arrays");
  }
  Napi::TypedArray src = info[1].As<Napi::TypedArray>();
  Napi::TypedArray out = info[2].As<Napi::TypedArray>();
  const Word* ps = reinterpret_cast<const Word*>(static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset());
  Word* po = reinterpret_cast<Word*>(static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset());
  const StridedPlan<2> plan =
      layout_arg<2>(info, 0, fn, {{"src", ps, src.ElementLength(), sizeof(Word)}, {"out", po, out.ElementLength(), sizeof(Word)}});
  if (is_transpose(plan)) {
    copy_transposed(plan, ps, po);
    return env.Undefined();
  }
  for_each_row(plan, [&](const int64_t* off, const int64_t* st, int64_t n) { copy_row(ps + off[0], st[0], po + off[1], n); });
  return env.Undefined();
}

}  // namespace

void register_copy(Napi::Env env, Napi::Object exports) { exports.Set("copy", Napi::Function::New(env, Copy)); }

}  // namespace tsjit
