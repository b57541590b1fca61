// How a reduction walks its layout. Three plans:
//   rows:    the innermost reduced dim is contiguous, so each output is a sum/max/...
//            of contiguous runs (row building blocks);
//   columns: a kept dim is contiguous, so a block of neighbouring outputs folds whole
//            rows of the reduced positions at once (column building blocks);
//   general: anything else, one element at a time, in double.
// Work splits over outputs (or blocks of outputs), never inside one output's sum.
#include "reduce-driver.h"
#include <algorithm>
#include <cmath>
#include "../parallel.h"

namespace tsjit {

namespace {

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t s : v) p *= s;
  return p;
}

// The offsets of a shape walked in row-major order.
struct Walker {
  const int64_t* shape;
  const int64_t* strides;
  int rank;
  int64_t idx[kMaxReduceRank] = {};
  int64_t offset = 0;

  Walker(const int64_t* shape_, const int64_t* strides_, int rank_) : shape(shape_), strides(strides_), rank(rank_) {}
  void seek(int64_t linear) {
    offset = 0;
    for (int d = rank - 1; d >= 0; d--) {
      idx[d] = linear % shape[d];
      linear /= shape[d];
      offset += idx[d] * strides[d];
    }
  }
  void next() {
    for (int d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        offset += strides[d];
        return;
      }
      offset -= (shape[d] - 1) * strides[d];
      idx[d] = 0;
    }
  }
};

// One output's reduced elements as runs: the innermost reduced dim (n elements `step`
// apart) from each position of the outer reduced dims.
struct Runs {
  const int64_t* shape;
  const int64_t* strides;
  int outer_rank;
  int64_t count;  // runs per output
  int64_t n, step;

  explicit Runs(const ReduceLayout& l) : shape(l.red_shape.data()), strides(l.red_strides.data()) {
    const int rank = int(l.red_shape.size());
    outer_rank = rank > 0 ? rank - 1 : 0;
    n = rank > 0 ? l.red_shape.back() : 1;
    step = rank > 0 ? l.red_strides.back() : 0;
    count = 1;
    for (int d = 0; d < outer_rank; d++) count *= shape[d];
  }
  template <class F>
  void each(const float* base, F&& run) const {
    Walker w(shape, strides, outer_rank);
    for (int64_t r = 0; r < count; r++, w.next()) run(base + w.offset);
  }
};

double run_sum(const ReduceUkernels& uk, const float* p, int64_t n, int64_t step) {
  if (step == 1) return uk.sum_row(size_t(n), p);
  double t = 0.0;
  for (int64_t i = 0; i < n; i++) t += double(p[i * step]);
  return t;
}

double run_sqdev(const ReduceUkernels& uk, const float* p, int64_t n, int64_t step, double mean) {
  if (step == 1) return uk.sqdev_row(size_t(n), p, mean);
  double t = 0.0;
  for (int64_t i = 0; i < n; i++) {
    const double d = double(p[i * step]) - mean;
    t += d * d;
  }
  return t;
}

float run_extreme(const ReduceUkernels& uk, bool is_max, const float* p, int64_t n, int64_t step) {
  if (step == 1) return is_max ? uk.max_row(size_t(n), p) : uk.min_row(size_t(n), p);
  float best = is_max ? -INFINITY : INFINITY;
  for (int64_t i = 0; i < n; i++) {
    const float v = p[i * step];
    if ((is_max ? v > best : v < best) || v != v) best = v;
  }
  return best;
}

double run_sumexp(const ReduceUkernels& uk, const float* p, int64_t n, int64_t step, float shift) {
  if (step == 1) return uk.sumexp_row(size_t(n), p, shift);
  double t = 0.0;
  for (int64_t i = 0; i < n; i++) t += std::exp(double(p[i * step]) - double(shift));
  return t;
}

float fold_extreme(bool is_max, float best, float v) { return (is_max ? v > best : v < best) || v != v ? v : best; }

// An infinite maximum would turn x - max into NaN; PyTorch shifts by 0 there instead.
float lse_shift(float max) { return std::isfinite(max) ? max : 0.0f; }

void reduce_runs(const ReduceUkernels& uk, ReduceKind kind, const float* x, const ReduceLayout& l, double* out,
                 double* out2) {
  const Runs runs(l);
  const int64_t n = runs.n, step = runs.step;
  const double count = double(l.red_count());
  const int kept_rank = int(l.kept_shape.size());
  split_rows(l.kept_count(), l.red_count(), [&](int64_t first, int64_t outputs) {
    Walker kept(l.kept_shape.data(), l.kept_strides.data(), kept_rank);
    kept.seek(first);
    for (int64_t k = first; k < first + outputs; k++, kept.next()) {
      const float* base = x + l.offset + kept.offset;
      switch (kind) {
        case ReduceKind::kSum: {
          double t = 0.0;
          runs.each(base, [&](const float* p) { t += run_sum(uk, p, n, step); });
          out[k] = t;
          break;
        }
        case ReduceKind::kProd: {
          double t = 1.0;
          runs.each(base, [&](const float* p) {
            for (int64_t i = 0; i < n; i++) t *= double(p[i * step]);
          });
          out[k] = t;
          break;
        }
        case ReduceKind::kMax:
        case ReduceKind::kMin: {
          const bool is_max = kind == ReduceKind::kMax;
          float best = is_max ? -INFINITY : INFINITY;
          runs.each(base, [&](const float* p) { best = fold_extreme(is_max, best, run_extreme(uk, is_max, p, n, step)); });
          out[k] = best;
          break;
        }
        case ReduceKind::kLogSumExp: {
          float max = -INFINITY;
          runs.each(base, [&](const float* p) { max = fold_extreme(true, max, run_extreme(uk, true, p, n, step)); });
          const float shift = lse_shift(max);
          double t = 0.0;
          runs.each(base, [&](const float* p) { t += run_sumexp(uk, p, n, step, shift); });
          out[k] = std::log(t) + double(shift);
          break;
        }
        case ReduceKind::kMoments: {
          double t = 0.0;
          runs.each(base, [&](const float* p) { t += run_sum(uk, p, n, step); });
          const double mean = t / count;
          double m2 = 0.0;
          runs.each(base, [&](const float* p) { m2 += run_sqdev(uk, p, n, step, mean); });
          out[k] = mean;
          out2[k] = m2;
          break;
        }
      }
    }
  });
}

constexpr int64_t kMaxBlock = 256;

// Columns of a block: as wide as kMaxBlock, narrower when that leaves threads idle.
int64_t column_block(int64_t outer, int64_t cols) {
  int64_t block = kMaxBlock;
  while (block > 32 && outer * ((cols + block - 1) / block) < 2 * usable_threads()) block /= 2;
  return block;
}

// The widest "folded row" a narrow block is cut into: a multiple of `inner` (so lane l
// always holds column l % inner) and of 16 floats (whole vectors).
int64_t folded_width(int64_t inner) {
  int64_t width = inner;
  while (width % 16 != 0) width += inner;
  while (width < 64) width *= 2;
  return width;
}

constexpr int64_t kMaxFolded = 512;

// The kept dims split into one contiguous dim `inner` (cols outputs, out_step apart in
// the row-major output) and the others (outer), with their input and output strides.
struct KeptSplit {
  std::vector<int64_t> shape, in_strides, out_strides;
  int64_t cols, out_step, outer;

  KeptSplit(const ReduceLayout& l, int inner) {
    const int rank = int(l.kept_shape.size());
    std::vector<int64_t> out_lin(rank);
    for (int64_t d = rank - 1, s = 1; d >= 0; s *= l.kept_shape[d], d--) out_lin[d] = s;
    for (int d = 0; d < rank; d++) {
      if (d == inner) continue;
      shape.push_back(l.kept_shape[d]);
      in_strides.push_back(l.kept_strides[d]);
      out_strides.push_back(out_lin[d]);
    }
    cols = l.kept_shape[inner];
    out_step = out_lin[inner];
    outer = product(shape);
  }
  Walker input() const { return Walker(shape.data(), in_strides.data(), int(shape.size())); }
  Walker output() const { return Walker(shape.data(), out_strides.data(), int(shape.size())); }
};

void reduce_columns(const ReduceUkernels& uk, ReduceKind kind, const float* x, const ReduceLayout& l, int inner,
                    double* out, double* out2) {
  const KeptSplit kept(l, inner);
  const int64_t cols = kept.cols, out_step = kept.out_step, outer = kept.outer;
  const int64_t block = column_block(outer, cols);
  const int64_t blocks = (cols + block - 1) / block;
  const int64_t positions = l.red_count();
  const Runs runs(l);
  const size_t run_rows = size_t(runs.n);
  const ptrdiff_t run_step = ptrdiff_t(runs.step);
  split_rows(outer * blocks, positions * block, [&](int64_t first, int64_t items) {
    Walker oin = kept.input(), oout = kept.output();
    double acc[kMaxBlock], acc2[kMaxBlock];
    float f[kMaxBlock];
    for (int64_t item = first; item < first + items; item++) {
      oin.seek(item / blocks);
      oout.seek(item / blocks);
      const int64_t j0 = (item % blocks) * block;
      const size_t nb = size_t(std::min(block, cols - j0));
      const float* base = x + l.offset + oin.offset + j0;
      double* dst = out + oout.offset + j0 * out_step;
      switch (kind) {
        case ReduceKind::kSum:
          std::fill(acc, acc + nb, 0.0);
          runs.each(base, [&](const float* p) { uk.sum_cols(nb, run_rows, p, run_step, acc); });
          for (size_t j = 0; j < nb; j++) dst[int64_t(j) * out_step] = acc[j];
          break;
        case ReduceKind::kProd:
          std::fill(acc, acc + nb, 1.0);
          runs.each(base, [&](const float* p) {
            for (size_t r = 0; r < run_rows; r++) {
              for (size_t j = 0; j < nb; j++) acc[j] *= double(p[r * run_step + j]);
            }
          });
          for (size_t j = 0; j < nb; j++) dst[int64_t(j) * out_step] = acc[j];
          break;
        case ReduceKind::kMax:
        case ReduceKind::kMin: {
          const bool is_max = kind == ReduceKind::kMax;
          std::fill(f, f + nb, is_max ? -INFINITY : INFINITY);
          runs.each(base, [&](const float* p) { (is_max ? uk.max_cols : uk.min_cols)(nb, run_rows, p, run_step, f); });
          for (size_t j = 0; j < nb; j++) dst[int64_t(j) * out_step] = f[j];
          break;
        }
        case ReduceKind::kLogSumExp:
          std::fill(f, f + nb, -INFINITY);
          runs.each(base, [&](const float* p) { uk.max_cols(nb, run_rows, p, run_step, f); });
          for (size_t j = 0; j < nb; j++) f[j] = lse_shift(f[j]);
          std::fill(acc, acc + nb, 0.0);
          runs.each(base, [&](const float* p) { uk.sumexp_cols(nb, run_rows, p, run_step, f, acc); });
          for (size_t j = 0; j < nb; j++) dst[int64_t(j) * out_step] = std::log(acc[j]) + double(f[j]);
          break;
        case ReduceKind::kMoments: {
          std::fill(acc, acc + nb, 0.0);
          runs.each(base, [&](const float* p) { uk.sum_cols(nb, run_rows, p, run_step, acc); });
          for (size_t j = 0; j < nb; j++) acc[j] /= double(positions);
          std::fill(acc2, acc2 + nb, 0.0);
          runs.each(base, [&](const float* p) { uk.sqdev_cols(nb, run_rows, p, run_step, acc, acc2); });
          double* dst2 = out2 + oout.offset + j0 * out_step;
          for (size_t j = 0; j < nb; j++) {
            dst[int64_t(j) * out_step] = acc[j];
            dst2[int64_t(j) * out_step] = acc2[j];
          }
          break;
        }
      }
    }
  });
}

// Columns too few for a vector (a narrow contiguous kept dim of c < 32 outputs) whose
// runs are [n, c] contiguous blocks (the innermost reduced stride is c): each block is
// cut into rows of whole vectors (folded_width), the column building blocks fold them,
// and lanes of one column are combined afterwards.
void reduce_folded(const ReduceUkernels& uk, ReduceKind kind, const float* x, const ReduceLayout& l, int inner,
                   double* out, double* out2) {
  const KeptSplit kept(l, inner);
  const int64_t c = kept.cols, out_step = kept.out_step;
  const int64_t width = folded_width(c);
  const Runs runs(l);
  const int64_t block = runs.n * c, full = block / width, tail = block % width;
  const int64_t positions = l.red_count();
  split_rows(kept.outer, positions * c, [&](int64_t first, int64_t items) {
    Walker oin = kept.input(), oout = kept.output();
    double acc[kMaxFolded], lanes_mean[kMaxFolded], col[kMaxFolded], col2[kMaxFolded];
    float f[kMaxFolded];
    oin.seek(first);
    oout.seek(first);
    for (int64_t item = first; item < first + items; item++, oin.next(), oout.next()) {
      const float* base = x + l.offset + oin.offset;
      // fn(columns, rows, first row) over the whole rows, then the partial last one, of every run.
      auto each_rows = [&](auto&& fn) {
        runs.each(base, [&](const float* p) {
          if (full > 0) fn(size_t(width), size_t(full), p);
          if (tail > 0) fn(size_t(tail), size_t(1), p + full * width);
        });
      };
      auto sum_lanes = [&](const double* lanes, double* per_column) {
        std::fill(per_column, per_column + c, 0.0);
        for (int64_t k = 0; k < width; k++) per_column[k % c] += lanes[k];
      };
      auto fold_lanes = [&](bool is_max) {
        for (int64_t j = 0; j < c; j++) {
          for (int64_t k = j + c; k < width; k += c) f[j] = fold_extreme(is_max, f[j], f[k]);
        }
      };
      switch (kind) {
        case ReduceKind::kSum:
        case ReduceKind::kMoments:
          std::fill(acc, acc + width, 0.0);
          each_rows([&](size_t n, size_t rows, const float* p) { uk.sum_cols(n, rows, p, width, acc); });
          sum_lanes(acc, col);
          if (kind == ReduceKind::kMoments) {
            for (int64_t j = 0; j < c; j++) col[j] /= double(positions);
            for (int64_t k = 0; k < width; k++) lanes_mean[k] = col[k % c];
            std::fill(acc, acc + width, 0.0);
            each_rows([&](size_t n, size_t rows, const float* p) { uk.sqdev_cols(n, rows, p, width, lanes_mean, acc); });
            sum_lanes(acc, col2);
          }
          break;
        case ReduceKind::kProd:
          std::fill(col, col + c, 1.0);
          runs.each(base, [&](const float* p) {
            for (int64_t i = 0; i < block; i++) col[i % c] *= double(p[i]);
          });
          break;
        case ReduceKind::kMax:
        case ReduceKind::kMin: {
          const bool is_max = kind == ReduceKind::kMax;
          std::fill(f, f + width, is_max ? -INFINITY : INFINITY);
          each_rows([&](size_t n, size_t rows, const float* p) { (is_max ? uk.max_cols : uk.min_cols)(n, rows, p, width, f); });
          fold_lanes(is_max);
          for (int64_t j = 0; j < c; j++) col[j] = f[j];
          break;
        }
        case ReduceKind::kLogSumExp:
          std::fill(f, f + width, -INFINITY);
          each_rows([&](size_t n, size_t rows, const float* p) { uk.max_cols(n, rows, p, width, f); });
          fold_lanes(true);
          for (int64_t k = 0; k < width; k++) f[k] = lse_shift(f[k % c]);
          std::fill(acc, acc + width, 0.0);
          each_rows([&](size_t n, size_t rows, const float* p) { uk.sumexp_cols(n, rows, p, width, f, acc); });
          sum_lanes(acc, col);
          for (int64_t j = 0; j < c; j++) col[j] = std::log(col[j]) + double(f[j]);
          break;
      }
      for (int64_t j = 0; j < c; j++) out[oout.offset + j * out_step] = col[j];
      if (kind == ReduceKind::kMoments) {
        for (int64_t j = 0; j < c; j++) out2[oout.offset + j * out_step] = col2[j];
      }
    }
  });
}

// Runs shorter than this go element by element rather than through a building block.
constexpr int64_t kMinVectorRun = 8;

int contiguous_kept_dim(const ReduceLayout& l) {
  for (int d = int(l.kept_shape.size()) - 1; d >= 0; d--) {
    if (l.kept_strides[d] == 1 && l.kept_shape[d] >= kMinVectorRun) return d;
  }
  return -1;
}

// A contiguous kept dim too narrow for the columns plan whose reduced runs are [n, c]
// contiguous blocks (reduce_folded), or -1.
int narrow_kept_dim(const ReduceLayout& l) {
  if (l.red_shape.empty()) return -1;
  for (int d = int(l.kept_shape.size()) - 1; d >= 0; d--) {
    const int64_t c = l.kept_shape[d];
    if (l.kept_strides[d] == 1 && c < kMinVectorRun * 4 && l.red_strides.back() == c) return d;
  }
  return -1;
}

}  // namespace

int64_t ReduceLayout::kept_count() const { return product(kept_shape); }
int64_t ReduceLayout::red_count() const { return product(red_shape); }

void reduce_f32(const ReduceUkernels& uk, ReduceKind kind, const float* x, const ReduceLayout& layout, double* out,
                double* out2) {
  const bool contiguous_runs = !layout.red_shape.empty() && layout.red_strides.back() == 1 && layout.red_shape.back() >= kMinVectorRun;
  const int inner = contiguous_kept_dim(layout);
  const int narrow = contiguous_runs ? -1 : narrow_kept_dim(layout);
  if (!contiguous_runs && inner >= 0 && !layout.red_shape.empty()) {
    reduce_columns(uk, kind, x, layout, inner, out, out2);
  } else if (narrow >= 0) {
    reduce_folded(uk, kind, x, layout, narrow, out, out2);
  } else {
    reduce_runs(uk, kind, x, layout, out, out2);
  }
}

namespace {

// The first position of a run's extreme: the vector max (min) of a contiguous run, then
// the first element equal to it (the first NaN when it is NaN).
int64_t first_extreme(const ReduceUkernels& uk, bool is_min, const float* p, int64_t n) {
  const float m = is_min ? uk.min_row(size_t(n), p) : uk.max_row(size_t(n), p);
  int64_t i = 0;
  if (m != m) {
    while (p[i] == p[i]) i++;
  } else {
    while (p[i] != m) i++;
  }
  return i;
}

}  // namespace

void arg_reduce_f32(const ReduceUkernels& uk, bool is_min, const float* x, const ReduceLayout& l, double* values,
                    double* indices) {
  const Runs runs(l);
  const int64_t n = runs.n, step = runs.step;
  const bool contiguous_runs = step == 1 && n >= kMinVectorRun;
  split_rows(l.kept_count(), l.red_count(), [&](int64_t first, int64_t outputs) {
    Walker kept(l.kept_shape.data(), l.kept_strides.data(), int(l.kept_shape.size()));
    kept.seek(first);
    for (int64_t k = first; k < first + outputs; k++, kept.next()) {
      float best = is_min ? INFINITY : -INFINITY;
      int64_t where = 0, position = 0;
      runs.each(x + l.offset + kept.offset, [&](const float* p) {
        if (contiguous_runs) {
          const int64_t i = first_extreme(uk, is_min, p, n);
          const float v = p[i];
          if ((is_min ? v < best : v > best) || (v != v && best == best)) {
            best = v;
            where = position + i;
          }
          position += n;
          return;
        }
        for (int64_t i = 0; i < n; i++, position++) {
          const float v = p[i * step];
          // Strictly better keeps the first of equal values; the first NaN beats everything after it.
          if ((is_min ? v < best : v > best) || (v != v && best == best)) {
            best = v;
            where = position;
          }
        }
      });
      values[k] = best;
      indices[k] = double(where);
    }
  });
}

namespace {

// Softmax over the middle dim of one [length, inner] block, a block of columns at a time.
void softmax_block_columns(const ReduceUkernels& uk, const float* xs, float* ys, int64_t length, int64_t inner,
                           int64_t j0, size_t nb, bool log) {
  double acc[kMaxBlock];
  float shift[kMaxBlock], factor[kMaxBlock];
  xs += j0;
  ys += j0;
  std::fill(shift, shift + nb, -INFINITY);
  const size_t rows = size_t(length);
  uk.max_cols(nb, rows, xs, inner, shift);
  std::fill(acc, acc + nb, 0.0);
  if (log) {
    uk.sumexp_cols(nb, rows, xs, inner, shift, acc);
    for (size_t j = 0; j < nb; j++) factor[j] = float(std::log(acc[j]));
    uk.logsoftmax_cols(nb, rows, xs, inner, shift, factor, ys);
  } else {
    // Park the exponentials in y, then scale: one exp per element.
    uk.exp_cols(nb, rows, xs, inner, shift, ys, acc);
    for (size_t j = 0; j < nb; j++) factor[j] = float(1.0 / acc[j]);
    uk.scale_cols(nb, rows, factor, ys, inner);
  }
}

// Softmax over the middle dim of one [length, inner] block when inner is narrow: the
// block, contiguous, is cut into rows of `width` floats; the column building blocks
// then fold whole vectors, and lanes of one column are combined afterwards.
void softmax_block_folded(const ReduceUkernels& uk, const float* xs, float* ys, int64_t length, int64_t inner,
                          bool log) {
  const int64_t width = folded_width(inner), total = length * inner;
  double acc[kMaxFolded], sums[kMaxFolded];
  float shift[kMaxFolded], factor[kMaxFolded];
  // fn(columns, rows, first element): the whole rows, then the partial last one.
  const size_t full = size_t(total / width), tail = size_t(total % width);
  auto each_row = [&](auto&& fn) {
    if (full > 0) fn(size_t(width), full, int64_t(0));
    if (tail > 0) fn(tail, size_t(1), int64_t(full) * width);
  };
  std::fill(shift, shift + width, -INFINITY);
  each_row([&](size_t n, size_t rows, int64_t at) { uk.max_cols(n, rows, xs + at, width, shift); });
  for (int64_t c = 0; c < inner; c++) {
    for (int64_t l = c + inner; l < width; l += inner) shift[c] = fold_extreme(true, shift[c], shift[l]);
  }
  for (int64_t l = inner; l < width; l++) shift[l] = shift[l % inner];
  std::fill(acc, acc + width, 0.0);
  if (log) {
    each_row([&](size_t n, size_t rows, int64_t at) { uk.sumexp_cols(n, rows, xs + at, width, shift, acc); });
  } else {
    each_row([&](size_t n, size_t rows, int64_t at) { uk.exp_cols(n, rows, xs + at, width, shift, ys + at, acc); });
  }
  std::fill(sums, sums + inner, 0.0);
  for (int64_t l = 0; l < width; l++) sums[l % inner] += acc[l];
  for (int64_t l = 0; l < width; l++) factor[l] = log ? float(std::log(sums[l % inner])) : float(1.0 / sums[l % inner]);
  if (log) {
    each_row([&](size_t n, size_t rows, int64_t at) { uk.logsoftmax_cols(n, rows, xs + at, width, shift, factor, ys + at); });
  } else {
    each_row([&](size_t n, size_t rows, int64_t at) { uk.scale_cols(n, rows, factor, ys + at, width); });
  }
}

}  // namespace

void softmax_columns_f32(const ReduceUkernels& uk, const float* x, float* y, int64_t outer, int64_t length,
                         int64_t inner, bool log) {
  if (folded_width(inner) <= kMaxFolded && inner < 32) {
    split_rows(outer, length * inner, [&](int64_t first, int64_t count) {
      for (int64_t o = first; o < first + count; o++) {
        softmax_block_folded(uk, x + o * length * inner, y + o * length * inner, length, inner, log);
      }
    });
    return;
  }
  const int64_t block = column_block(outer, inner);
  const int64_t blocks = (inner + block - 1) / block;
  split_rows(outer * blocks, length * block, [&](int64_t first, int64_t items) {
    for (int64_t item = first; item < first + items; item++) {
      const int64_t j0 = (item % blocks) * block;
      const int64_t start = (item / blocks) * length * inner;
      softmax_block_columns(uk, x + start, y + start, length, inner, j0, size_t(std::min(block, inner - j0)), log);
    }
  });
}

void cumsum_f32(const float* x, float* y, int64_t outer, int64_t length, int64_t inner) {
  split_rows(outer, length * inner, [&](int64_t first, int64_t count) {
    std::vector<double> total(static_cast<size_t>(inner));
    for (int64_t o = first; o < first + count; o++) {
      const float* xs = x + o * length * inner;
      float* ys = y + o * length * inner;
      std::fill(total.begin(), total.end(), 0.0);
      for (int64_t r = 0; r < length; r++, xs += inner, ys += inner) {
        for (int64_t j = 0; j < inner; j++) {
          total[j] += double(xs[j]);
          ys[j] = float(total[j]);
        }
      }
    }
  });
}

void normalize_planes_f32(const ReduceUkernels& uk, const float* x, float* y, int64_t planes, int64_t plane_size,
                          int64_t period, const double* mean, const double* scale, const double* shift) {
  split_rows(planes, plane_size, [&](int64_t first, int64_t count) {
    for (int64_t p = first; p < first + count; p++) {
      const int64_t c = p % period;
      const float hi = float(mean[c]);
      const float lo = std::isfinite(hi) ? float(mean[c] - double(hi)) : 0.0f;
      uk.affine_row(size_t(plane_size), x + p * plane_size, hi, lo, float(scale[c]), float(shift[c]), y + p * plane_size);
    }
  });
}

}  // namespace tsjit
