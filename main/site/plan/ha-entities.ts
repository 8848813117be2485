/**
 * Home Assistant entities for the site plan (announced once `plan` is in the state): the target
 * peak of the running quarter, what each device does next and the trips the plan cannot meet
 * (English text sensors, as the dashboard words them), and per configured car the state of
 * charge the plan expects at its next departure, with that departure as a timestamp.
 */
import { planTargetKw } from '../../../shared/plan/lookup.js';
import type { PlanState } from '../../../shared/plan/state.js';
import { intentionWords, problemWords } from '../../../shared/plan/words.js';
import type { BusState } from '../../../shared/state.js';
import type { SensorEntity } from '../../bus/mqtt/entities.js';

const nowOf = (s: BusState): number => s.meter?.time ?? s.plan?.madeAt ?? 0;
const nameOf = (plan: PlanState, id: string): string => plan.cars.find((c) => c.id === id)?.name ?? id;

function nextDeparture(s: BusState, carId: string) {
  const car = s.plan?.cars.find((c) => c.id === carId);
  return car?.departures.find((d) => d.time > nowOf(s)) ?? null;
}

export function planEntities(cars: readonly { id: string; name: string }[]): SensorEntity[] {
  const text = (objectId: string, name: string, read: (s: BusState) => string | null): SensorEntity => (
    { objectId, name, path: 'plan', deviceClass: null, unit: null, stateClass: null, decimals: 0, onlyWith: 'plan', read }
  );
  return [
    {
      objectId: 'plan_target_peak_kw', name: 'Plan target peak', path: 'plan', deviceClass: 'power', unit: 'kW', stateClass: 'measurement', decimals: 2,
      onlyWith: 'plan', read: (s) => planTargetKw(s.plan, nowOf(s)),
    },
    text('plan_next', 'Plan: next', (s) => {
      const plan = s.plan;
      if (!plan || plan.error) return plan?.error ?? null;
      return plan.intentions.map((i) => intentionWords(i, nameOf(plan, i.device), 'en', nowOf(s))).join('; ');
    }),
    text('plan_problems', 'Plan: trips not met', (s) => {
      const plan = s.plan;
      if (!plan) return null;
      return plan.problems.length ? plan.problems.map((p) => problemWords(p, nameOf(plan, p.car), 'en')).join('; ') : 'none';
    }),
    ...cars.flatMap((car): SensorEntity[] => {
      const id = car.id.replace(/-/g, '_');
      return [
        {
          objectId: `plan_${id}_soc_at_departure`, name: `Plan ${car.name}: state of charge at departure`, path: 'plan', deviceClass: 'battery', unit: '%',
          stateClass: 'measurement', decimals: 0, onlyWith: 'plan', read: (s) => nextDeparture(s, car.id)?.expectedPct ?? null,
        },
        {
          objectId: `plan_${id}_departure`, name: `Plan ${car.name}: next departure`, path: 'plan', deviceClass: 'timestamp', unit: null,
          stateClass: null, decimals: 0, onlyWith: 'plan', read: (s) => nextDeparture(s, car.id)?.time ?? null,
        },
      ];
    }),
  ];
}
