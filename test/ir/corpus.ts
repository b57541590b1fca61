/** Hand-written IR texts that are valid (they verify) and print back exactly. */
export const CORPUS: Record<string, string> = {
  moduleWithControlFlow: `graph(%self : ControlFlow,
      %x : Tensor):
  %fc1 : Linear = prim::GetAttr[name="fc1"](%self)
  %3 : Tensor = prim::CallMethod[name="forward"](%fc1, %x) # examples/models/controlflow.ts:9:15
  %4 : Tensor = aten::relu(%3) # examples/models/controlflow.ts:9:15
  %5 : NoneType = prim::Constant[value=None]()
  %6 : bool = prim::Constant[value=false]()
  %7 : Tensor = aten::mean.dim(%4, %5, %6, %5)
  %cond : bool = prim::Constant[value=true]()
  %10 : Tensor = prim::If(%cond) # examples/models/controlflow.ts:10:5
    block0():
      %11 : Tensor = aten::relu(%4)
      -> (%11)
    block1():
      -> (%7)
  %n : int = prim::Constant[value=3]()
  %12 : Tensor = prim::Loop(%n, %cond, %10)
    block0(%i : int, %h : Tensor):
      %14 : Tensor = aten::tanh(%h)
      -> (%cond, %14)
  return (%12)
`,
  everyAttributeKind: `graph():
  %a : int = prim::Constant[value=3]()
  %b : float = prim::Constant[value=0.5]()
  %c : float = prim::Constant[value=2.]()
  %d : float = prim::Constant[value=1e-05]()
  %e : float = prim::Constant[value=nan]()
  %f : float = prim::Constant[value=inf]()
  %g : float = prim::Constant[value=-inf]()
  %h : str = prim::Constant[value="fc1 \\"quoted\\"\\n"]()
  %i : bool = prim::Constant[value=true]()
  %j : NoneType = prim::Constant[value=None]()
  %k : int[] = prim::Constant[value=[1, -2]]()
  %l : ScalarType = prim::Constant[value="float32"]()
  %m : Tensor = prim::Constant[value=tensor:c0]()
  %m2 : Tensor = prim::Constant[value=tensor:"odd name"]()
  %n : int[] = prim::Constant[value=[]]()
  %o : float = prim::Constant[value=-0.]()
  %p : float = prim::Constant[value=1e+21]()
  %q : int = prim::Constant[value=-7]()
  %r : float[] = prim::Constant[value=[0.25, 3., nan]]()
  %s : int? = prim::Constant[value=None]()
  %t : (int, float) = prim::TupleConstruct(%a, %b)
  return (%t, %m, %m2)
`,
  listsTuplesAndMultipleOutputs: `graph(%x : Tensor,
      %y : Tensor):
  %0 : int = prim::Constant[value=1]()
  %1 : bool = prim::Constant[value=false]()
  %values : Tensor, %indices : Tensor = aten::max.dim(%x, %0, %1) # C:\\models\\m.ts:1:2
  %2 : Tensor[] = prim::ListConstruct(%values, %indices)
  %3 : Tensor = aten::cat(%2, %0)
  %4 : Tensor, %5 : Tensor = prim::ListUnpack(%2)
  %6 : (Tensor, Tensor) = prim::TupleConstruct(%3, %4)
  %7 : Tensor, %8 : Tensor = prim::TupleUnpack(%6)
  %9 : Tensor[] = aten::split.Tensor(%7, %0, %0)
  %msg : str = prim::Constant[value="bad"]()
  prim::Print(%msg, %8)
  %r : Tensor = prim::CallFunction[name="helper"](%8, %y)
  %10 : Tensor? = prim::Constant[value=None]()
  %alpha : float = prim::Constant[value=0.5]()
  %sum : Tensor = aten::add.Tensor(%r, %5, %alpha) # dir with space/file.ts:12:1
  return (%sum, %9, %10)
`,
  ifInsideLoop: `graph(%x : Tensor,
      %n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %out : Tensor, %count : int = prim::Loop(%n, %true, %x, %zero) # m.ts:3:3
    block0(%i : int, %h : Tensor, %c : int):
      %b : bool = prim::Constant[value=false]()
      %h2 : Tensor = prim::If(%b) # m.ts:4:5
        block0():
          %msg : str = prim::Constant[value="boom"]()
          prim::RaiseException(%msg) # m.ts:5:7
          -> (%h)
        block1():
          %t : Tensor = aten::tanh(%h)
          prim::If(%b)
            block0():
              -> ()
            block1():
              -> ()
          -> (%t)
      -> (%true, %h2, %i)
  return (%out, %count)
`,
  emptyGraph: `graph():
  return ()
`,
};
