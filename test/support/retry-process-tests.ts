import { jest } from "@jest/globals";

// The `processes` project only: real processes, real Redis servers and loopback sockets on a
// 2-core CI machine, where a test can lose a race with the machine rather than with the code. A
// failing test is run again up to twice; one that fails every time still fails the suite.
jest.retryTimes(2);
