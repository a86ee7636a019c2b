/**
 * Labels that rate an incident's severity or priority: `sev1`, `sev-2`, `SEV 3`, `severity:high`,
 * `severity/critical`, `P0`, `priority: p1`, `priority-high`. The postmortem carries them over.
 */
const PATTERNS = [
  /^sev(?:erity)?\s*[-:_/ ]?\s*(?:\d|critical|high|medium|moderate|low|major|minor)$/i,
  /^p[0-4]$/i,
  /^priority\s*[-:_/ ]\s*(?:p?[0-4]|critical|urgent|high|medium|low)$/i,
];

export const isSeverityLabel = (label: string): boolean => PATTERNS.some((pattern) => pattern.test(label.trim()));

export const severityLabels = (labels: string[]): string[] => labels.filter(isSeverityLabel);
