/* What a measure's cell says beside its figure, decided apart from the page (no DOM, so
   tests/js can check it): where measures 1 and 2 took their times from when not (only) from
   the calls, and whether a region's own target differs from the all-regions one. */

/** The last part of the string key (followup.source.<it>) for a figure's `source`, or null: measures 1 and 2
    only, and nothing to say when it is all from the calls or there is no source. */
export function sourceKey(measure, figure) {
  const source = figure?.source;
  if (!source || source === 'calls' || ![1, 2].includes(measure)) return null;
  return `m${measure}_${source}`;
}

/** The region's own target when it differs from the measure's (all regions) one, else null:
    the API gives each region row the target in force there. */
export function ownTarget(measureTarget, regionTarget) {
  if (!regionTarget) return null;
  if (measureTarget && regionTarget.value === measureTarget.value
      && regionTarget.comparison === measureTarget.comparison) return null;
  return regionTarget;
}
