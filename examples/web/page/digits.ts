/**
 * The page's second model: node-app's @script DigitClassifier, given the weights of
 * node-app's digits.tsjit (2.6 MB, above tsjit/rollup's inlineLimit, so emitted as an
 * asset and fetched from beside the script), run on a 28×28 downsampling of what is
 * drawn on the canvas at every stroke. The input it ran on and its probabilities are
 * kept on the output element (data-input, data-probabilities) for the browser test.
 */
import { script, tensor, type ScriptModule, type Tensor } from "tsjit";
import { DigitClassifier } from "../../node-app/digits.js";
import saved from "../../node-app/digits.tsjit";

const SIDE = 28;
const TIMING_RUNS = 20;

export function startDigits(pad: HTMLCanvasElement, clear: HTMLButtonElement, result: HTMLOutputElement, timing: HTMLOutputElement): void {
  const model = new DigitClassifier().eval();
  model.loadStateDict(saved.stateDict());
  const scripted = script(model);
  const context = pad.getContext("2d")!;
  Object.assign(context, { lineWidth: 22, lineCap: "round", strokeStyle: "#fff" });
  const small = document.createElement("canvas");
  Object.assign(small, { width: SIDE, height: SIDE });
  const smallContext = small.getContext("2d", { willReadFrequently: true })!;

  const pixels = (): number[] => {
    smallContext.clearRect(0, 0, SIDE, SIDE);
    smallContext.drawImage(pad, 0, 0, SIDE, SIDE);
    const { data } = smallContext.getImageData(0, 0, SIDE, SIDE);
    return Array.from({ length: SIDE * SIDE }, (_, i) => data[i * 4]! / 255);
  };
  const show = (): void => {
    const input = pixels();
    const probabilities = ((scripted.forward(tensor([input])) as Tensor).tolist() as number[][])[0]!;
    const ranked = probabilities.map((p, digit) => ({ p, digit })).sort((a, b) => b.p - a.p);
    result.value = ranked.slice(0, 3).map(({ p, digit }) => `${digit}: ${(p * 100).toFixed(1)}%`).join("   ");
    result.dataset["input"] = JSON.stringify(input);
    result.dataset["probabilities"] = JSON.stringify(probabilities);
  };

  let drawing = false;
  pad.addEventListener("pointerdown", (event) => {
    drawing = true;
    context.beginPath();
    context.moveTo(event.offsetX, event.offsetY);
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(event.offsetX, event.offsetY);
    context.stroke();
    show();
  });
  addEventListener("pointerup", () => {
    drawing = false;
  });
  clear.addEventListener("click", () => {
    context.clearRect(0, 0, pad.width, pad.height);
    show();
  });
  show();
  const milliseconds = timeForward(scripted, tensor([pixels()]));
  timing.value = `${milliseconds.toFixed(2)} ms per forward (${TIMING_RUNS} runs)`;
  timing.dataset["milliseconds"] = String(milliseconds);
}

function timeForward(scripted: ScriptModule, input: Tensor): number {
  scripted.forward(input);
  const start = performance.now();
  for (let i = 0; i < TIMING_RUNS; i++) scripted.forward(input);
  return (performance.now() - start) / TIMING_RUNS;
}
