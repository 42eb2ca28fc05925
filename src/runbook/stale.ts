// When a runbook's review is due: lint warns about it and list marks it. Its own file so that `list` does not
// load lint's shell scanning to print one column.

export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function isStale(lastReviewed: string | undefined, today: string, maxAgeDays = 180): boolean {
  return lastReviewed === undefined || daysBetween(lastReviewed, today) > maxAgeDays;
}
