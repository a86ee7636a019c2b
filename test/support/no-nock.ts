// Suites on real sockets must never load nock: it patches `net.Socket` for the whole process and
// once reset these suites' Redis connections. mswjs (nock's interceptors) registers itself on the
// file's global object when it loads.
afterAll(() => {
  if ((globalThis as { __MSW_INTERCEPTORS_REGISTRY?: unknown }).__MSW_INTERCEPTORS_REGISTRY !== undefined) {
    throw new Error("this real-socket suite loaded nock (directly or through a support module): serve the simulator over loopback (serveSimulator) instead");
  }
});
