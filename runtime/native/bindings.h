// The addon's entry points, one registration function per kernel family
// (bind-<family>.cc); addon.cc calls each at load.
#pragma once
#include <napi.h>
#include "kernels.h"

namespace tsjit {

// The kernel table in use: chosen at load, switched by setIsa() in tests.
const IsaKernels& active_isa();

void register_core(Napi::Env env, Napi::Object exports);
void register_gemm(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_rowwise(Napi::Env env, Napi::Object exports);
// elementwise
void register_copy(Napi::Env env, Napi::Object exports);
void register_reduce(Napi::Env env, Napi::Object exports);
void register_conv(Napi::Env env, Napi::Object exports);
void register_fused(Napi::Env env, Napi::Object exports);

}  // namespace tsjit
