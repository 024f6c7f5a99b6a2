// e2e and fault tests start real servers and processes; Jest's 5 s default is for unit tests.
jest.setTimeout(120_000);
