/** A repository as the GitHub API addresses it. */
export interface RepoRef {
  owner: string;
  repo: string;
}
