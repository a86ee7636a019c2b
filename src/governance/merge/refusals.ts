import type { MergeMethod } from "./messages.js";

/**
 * What to tell the person who ordered a fast-track merge when GitHub refuses it: GitHub's own
 * words, then what to configure. The app cannot read classic branch protection (that needs the
 * `administration` permission, which it does not ask for), so the advice comes from the refusal.
 */
export interface GitHubRefusal {
  status: number;
  message: string;
}

const BYPASS_ADVICE =
  "To let the fast track past the branch's normal review quota, add the app as a bypass actor: in a ruleset " +
  "(Settings → Rules → Rulesets → the ruleset → Bypass list → Add bypass → the app, mode \"Always allow\", " +
  "`bypass_mode: always`), it skips every rule of that ruleset; with classic branch protection " +
  "(Settings → Branches → the rule → \"Require a pull request before merging\" → \"Allow specified actors to bypass required pull requests\" → the app, " +
  "`bypass_pull_request_allowances.apps`), it skips the review requirement only: the required status checks must still pass.";

const STATUS_CHECK_ADVICE =
  "Classic branch protection's app bypass (`bypass_pull_request_allowances.apps`) skips the review requirement only: the required status checks must pass first. " +
  "A ruleset bypass actor with mode \"Always allow\" (`bypass_mode: always`) skips them too, if that is your policy.";

const methodAdvice = (method: MergeMethod): string =>
  `Allow the \`${method}\` method (Settings → General → Pull Requests, and the ruleset's "Require a pull request before merging" → "Allowed merge methods"), ` +
  "or set `merge.method` in `.github/hotfix.yml` to a method the repository allows.";

/** GitHub's message on one line, as a quote. */
export const githubWords = (message: string): string =>
  message
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" — ")
    .slice(0, 500);

/** The advice for one refusal. */
export const adviceFor = (refusal: GitHubRefusal, method: MergeMethod): string => {
  const text = refusal.message.toLowerCase();
  if (refusal.status === 409) return "A push arrived after the verdict: nothing was merged. The new head commit needs its own green check; comment `/merge-emergency` again once it is green.";
  if (refusal.status === 422) return "The merge request was invalid (this is a bug of the app or a repository setting it does not know): nothing was merged.";
  if (/not allowed/.test(text) && /merge|squash|rebase/.test(text)) return methodAdvice(method);
  if (/status check/.test(text)) return STATUS_CHECK_ADVICE;
  if (/review|approv|rule violation|protected branch|not authorized to push/.test(text)) return BYPASS_ADVICE;
  if (/draft/.test(text)) return "Mark the pull request ready for review first.";
  if (/not mergeable/.test(text)) return "GitHub cannot merge it as it is: resolve the conflicts with the base branch (or wait for GitHub to compute mergeability), then comment again.";
  return BYPASS_ADVICE;
};

/** The refusal's sentence for the reply: GitHub's words, then the advice. */
export const describeRefusal = (refusal: GitHubRefusal, method: MergeMethod): string =>
  `GitHub refused the merge (${refusal.status}): "${githubWords(refusal.message)}". ${adviceFor(refusal, method)}`;
