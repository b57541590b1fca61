// The N-API module. Each kernel family's entry points live in bind-<family>.cc and
// check every argument they are given (args.h: types, integral sizes, and that every
// index a kernel can touch lies inside the typed array it receives), throwing a JS
// RangeError/TypeError otherwise: bad input never reaches a kernel. Past those files,
// kernels trust their arguments.
#include <napi.h>
#include "bindings.h"

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  tsjit::register_core(env, exports);
  tsjit::register_gemm(env, exports);
  tsjit::register_elementwise(env, exports);
  tsjit::register_rowwise(env, exports);
  tsjit::register_copy(env, exports);  // elementwise
  tsjit::register_reduce(env, exports);
  tsjit::register_conv(env, exports);
  tsjit::register_fused(env, exports);
  return exports;
}

NODE_API_MODULE(tsjit_native, InitModule)
