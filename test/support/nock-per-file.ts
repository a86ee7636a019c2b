import nock from "nock";

// nock patches the process's sockets, which outlive the test file: each in-process file ends by
// removing its interceptors and undoing the patch, whether or not it remembered to, so the next
// file in the same worker starts from the real sockets (a leftover once answered another file's
// requests from a stale simulator).
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});
