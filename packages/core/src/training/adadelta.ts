import * as tf from '@tensorflow/tfjs';

/** What tfjs's optimizers take and give as weights (not exported by name from @tensorflow/tfjs). */
type NamedTensor = { name: string; tensor: tf.Tensor };

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/**
 * Adadelta as PyTorch and Keras define it. tfjs's AdadeltaOptimizer divides by the running mean of squared
 * gradients from before this step (the first step then moves by lr × gradient, a full unit step at PyTorch's
 * lr 1); here the step uses the updated mean. Slots and checkpoint layout are tfjs's (`<w>/accum_grad`,
 * `<w>/accum_var`), so stored optimizer states load unchanged.
 */
export class PyTorchAdadelta extends tf.Optimizer {
  static get className(): string {
    return 'PyTorchAdadelta';
  }

  private grads: Slot[] = [];
  private updates: Slot[] = [];

  constructor(
    public learningRate: number,
    private readonly rho: number,
    private readonly epsilon: number,
  ) {
    super();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    entries.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name];
      if (!value) return;
      this.grads[i] ??= {
        originalName: `${name}/accum_grad`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      this.updates[i] ??= {
        originalName: `${name}/accum_var`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const accumGrad = this.grads[i].variable;
      const accumUpdate = this.updates[i].variable;
      tf.tidy(() => {
        const meanSquare = accumGrad.mul(this.rho).add(gradient.square().mul(1 - this.rho));
        const delta = accumUpdate.add(this.epsilon).sqrt().div(meanSquare.add(this.epsilon).sqrt()).mul(gradient);
        accumGrad.assign(meanSquare);
        accumUpdate.assign(accumUpdate.mul(this.rho).add(delta.square().mul(1 - this.rho)));
        value.assign(value.sub(delta.mul(this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.grads, ...this.updates].map((s) => s.variable));
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.grads, ...this.updates];
    return [await this.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const half = values.length / 2;
    const slot = (v: NamedTensor): Slot => ({ originalName: v.name, variable: v.tensor.variable(false) });
    this.grads = values.slice(0, half).map(slot);
    this.updates = values.slice(half).map(slot);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
