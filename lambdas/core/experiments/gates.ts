import type { GateConfig } from './config';
import type { GateFigure, StageCounters } from './model';
import { meanTest, proportionTest, type ScoreSums } from './stats';

/**
 * The quality gates of one stage, treatment against control: the thumbs-up rate and the mean CSAT (satisfaction,
 * margin `satisfactionDrop` / `csatDrop`) and the quality score (margin `qualityDrop`). Each is `insufficient` below
 * its minimum samples (never decided on too few), else `pass` when the non-inferiority z clears the critical value
 * (the drop is confidently below the margin), `fail` when it is below minus the critical value (confidently above),
 * `inconclusive` in between.
 */
export const evaluateGates = (counters: StageCounters, config: GateConfig): readonly GateFigure[] => {
  const { control, treatment } = counters;
  return [
    upRateGate(control, treatment, config),
    scoreGate('csat', control.csat, treatment.csat, config.csatDrop, config),
    scoreGate('quality', control.quality, treatment.quality, config.qualityDrop, config),
  ];
};

const verdictOf = (z: number, critical: number): GateFigure['verdict'] => (z >= critical ? 'pass' : z <= -critical ? 'fail' : 'inconclusive');

const round = (value: number, digits = 4): number => Math.round(value * 10 ** digits) / 10 ** digits;

const upRateGate = (control: StageCounters['control'], treatment: StageCounters['treatment'], config: GateConfig): GateFigure => {
  const nc = control.up + control.down;
  const nt = treatment.up + treatment.down;
  const samples = { control: nc, treatment: nt };
  if (nc < config.minFeedbackPerArm || nt < config.minFeedbackPerArm) {
    return { gate: 'up_rate', verdict: 'insufficient', control: null, treatment: null, relativeDrop: null, zMargin: null, margin: config.satisfactionDrop, samples };
  }
  const test = proportionTest({ x: control.up, n: nc }, { x: treatment.up, n: nt }, config.satisfactionDrop);
  return {
    gate: 'up_rate',
    verdict: verdictOf(test.zMargin, config.zCritical),
    control: round(test.controlRate),
    treatment: round(test.treatmentRate),
    relativeDrop: round(test.relativeDrop),
    zMargin: round(test.zMargin, 3),
    margin: config.satisfactionDrop,
    samples,
  };
};

const scoreGate = (gate: 'csat' | 'quality', control: ScoreSums, treatment: ScoreSums, margin: number, config: GateConfig): GateFigure => {
  const samples = { control: control.count, treatment: treatment.count };
  if (control.count < config.minScoresPerArm || treatment.count < config.minScoresPerArm) {
    return { gate, verdict: 'insufficient', control: null, treatment: null, relativeDrop: null, zMargin: null, margin, samples };
  }
  const test = meanTest(control, treatment, margin);
  return {
    gate,
    verdict: verdictOf(test.zMargin, config.zCritical),
    control: round(test.controlMean),
    treatment: round(test.treatmentMean),
    relativeDrop: round(test.relativeDrop),
    zMargin: round(test.zMargin, 3),
    margin,
    samples,
  };
};
