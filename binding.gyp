{
  # The native kernels (runtime/native/, docs/native.md). Release -O3 and no global
  # -march: each ISA's kernels are compiled for their ISA by `#pragma GCC target` at
  # the top of their own file, and runtime/native/isa.cc picks one table at load.
  "targets": [
    {
      "target_name": "tsjit_native",
      "sources": [
        "runtime/native/addon.cc",
        "runtime/native/args.cc",
        "runtime/native/bind-core.cc",
        "runtime/native/bind-gemm.cc",
        "runtime/native/bind-elementwise.cc",
        "runtime/native/bind-rowwise.cc",
        "runtime/native/isa.cc",
        "runtime/native/sgemm.cc",
        "runtime/native/linear-pair.cc",
        "runtime/native/packed-b.cc",
        "runtime/native/threadpool.cc",
        "runtime/native/malloc-tuning.cc",
        "runtime/native/f32-gemm/f32-gemm-pack.cc",
        "runtime/native/f32-gemm/f32-gemm-4x8-scalar.cc",
        "runtime/native/f32-gemm/f32-gemm-6x16-avx2-fma.cc",
        "runtime/native/f32-gemm/f32-gemm-6x64-avx512f.cc",
        "runtime/native/f32-velementwise/f32-velementwise-scalar.cc",
        "runtime/native/f32-velementwise/f32-velementwise-avx2-fma.cc",
        "runtime/native/f32-velementwise/f32-velementwise-avx512f.cc",
        "runtime/native/f32-rowwise/f32-rowwise-scalar.cc",
        "runtime/native/f32-rowwise/f32-rowwise-avx2-fma.cc",
        "runtime/native/f32-rowwise/f32-rowwise-avx512f.cc",
        # elementwise: the strided walk and the copy entry point
        "runtime/native/strided-args.cc",
        "runtime/native/bind-copy.cc",
        # reduce family
        "runtime/native/bind-reduce.cc",
        "runtime/native/f32-reduce/reduce-driver.cc",
        "runtime/native/f32-reduce/f32-reduce-scalar.cc",
        "runtime/native/f32-reduce/f32-reduce-avx2-fma.cc",
        "runtime/native/f32-reduce/f32-reduce-avx512f.cc",
        # conv and pooling
        "runtime/native/bind-conv.cc",
        "runtime/native/f32-conv/f32-conv.cc",
        "runtime/native/f32-conv/f32-dwconv-row-scalar.cc",
        "runtime/native/f32-conv/f32-dwconv-row-avx2-fma.cc",
        "runtime/native/f32-conv/f32-dwconv-row-avx512f.cc",
        "runtime/native/f32-conv/f32-conv-direct.cc",
        "runtime/native/f32-conv/f32-conv-maxpool.cc",
        "runtime/native/f32-conv/f32-conv-nhwc-avx512f.cc",
        "runtime/native/f32-conv/f32-conv-winograd.cc",
        "runtime/native/f32-conv/f32-conv-winograd-avx512f.cc",
        "runtime/native/f32-conv/f32-conv-winograd-avx2-fma.cc",
        "runtime/native/f32-conv/f32-conv-4x8-scalar.cc",
        "runtime/native/f32-conv/f32-conv-4x24-avx2-fma.cc",
        "runtime/native/f32-conv/f32-conv-8x48-avx512f.cc",
        "runtime/native/f32-conv/f32-conv-taps-avx512f.cc",
        "runtime/native/f32-conv/f32-conv-taps-avx2-fma.cc",
        "runtime/native/f32-pool/f32-pool.cc",
        "runtime/native/f32-pool/f32-maxpool-2x2-scalar.cc",
        "runtime/native/f32-pool/f32-maxpool-2x2-avx2-fma.cc",
        "runtime/native/f32-pool/f32-maxpool-2x2-avx512f.cc",
        # fused pointwise chains
        "runtime/native/bind-fused.cc",
        "runtime/native/f32-fused/f32-fused-256-scalar.cc",
        "runtime/native/f32-fused/f32-fused-256-avx2-fma.cc",
        "runtime/native/f32-fused/f32-fused-256-avx512f.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0"],
      "cflags": ["-O3", "-fexceptions", "-Wno-maybe-uninitialized", "-Wno-uninitialized"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
