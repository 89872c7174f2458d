/** Explanations a person chose for the stakeholder report (kept by the App across views). */
export interface ReportPick {
  readonly user: string;
  readonly item: string;
  readonly title: string;
}

export function addPick(picks: readonly ReportPick[], pick: ReportPick): readonly ReportPick[] {
  return picks.some((p) => p.user === pick.user && p.item === pick.item) ? picks : [...picks, pick];
}

export function removePick(picks: readonly ReportPick[], pick: ReportPick): readonly ReportPick[] {
  return picks.filter((p) => p.user !== pick.user || p.item !== pick.item);
}
