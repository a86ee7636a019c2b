import { renderCsv } from "./render-csv.js";
import { renderMarkdown } from "./render-markdown.js";
import type { HotfixReport } from "./schema.js";

export const REPORT_FORMATS = ["markdown", "csv", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const renderReport = (report: HotfixReport, format: ReportFormat): string => {
  switch (format) {
    case "markdown":
      return renderMarkdown(report);
    case "csv":
      return renderCsv(report);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
  }
};
