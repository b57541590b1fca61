import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { promoteTypes, resultType, type DType } from "../../runtime/index.js";
import { castScalar, DTYPES, scalarDType } from "../../runtime/tensor/dtype.js";

describe("type promotion follows torch.promote_types / torch.result_type", () => {
  it("promotes tensor dtypes by width within and across categories", () => {
    expect(promoteTypes("bool", "int32")).toBe("int32");
    expect(promoteTypes("int32", "int64")).toBe("int64");
    expect(promoteTypes("int64", "float32")).toBe("float32");
    expect(promoteTypes("bool", "bool")).toBe("bool");
  });

  it("is commutative and idempotent", () => {
    const dtype = fc.constantFrom<DType>(...DTYPES);
    fc.assert(fc.property(dtype, dtype, (a, b) => promoteTypes(a, b) === promoteTypes(b, a) && promoteTypes(a, a) === a));
  });

  it("lets a scalar raise the category but not the width", () => {
    expect(resultType([{ dtype: "int32", kind: "tensor" }, { dtype: scalarDType(2), kind: "scalar" }])).toBe("int32");
    expect(resultType([{ dtype: "int32", kind: "tensor" }, { dtype: scalarDType(0.5), kind: "scalar" }])).toBe("float32");
    expect(resultType([{ dtype: "bool", kind: "tensor" }, { dtype: scalarDType(3), kind: "scalar" }])).toBe("int64");
    expect(resultType([{ dtype: "float32", kind: "tensor" }, { dtype: scalarDType(3), kind: "scalar" }])).toBe("float32");
  });

  it("ranks dimensioned tensors above zero-dim tensors of the same category", () => {
    expect(resultType([{ dtype: "int32", kind: "tensor" }, { dtype: "int64", kind: "zeroDim" }])).toBe("int32");
    expect(resultType([{ dtype: "int32", kind: "tensor" }, { dtype: "float32", kind: "zeroDim" }])).toBe("float32");
    expect(resultType([{ dtype: "int64", kind: "zeroDim" }, { dtype: "bool", kind: "tensor" }])).toBe("int64");
  });

  it("casts scalars the way the storage would", () => {
    expect(castScalar(2.7, "int32")).toBe(2);
    expect(castScalar(-2.7, "int64")).toBe(-2);
    expect(castScalar(0.1, "float32")).toBe(Math.fround(0.1));
    expect(castScalar(-3, "bool")).toBe(1);
  });
});
