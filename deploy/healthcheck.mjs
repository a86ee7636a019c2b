// The container's HEALTHCHECK: GET /healthz on the container's own non-loopback address, as
// `docker run -p` and other containers reach it. Probing 127.0.0.1 would report healthy a
// server that only listens on loopback (HOST unset), which nobody outside the container reaches.
// Exit 0 healthy, 1 not. No dependencies beyond Node.
import { networkInterfaces } from "node:os";

const externalAddress = () => {
  const addresses = Object.values(networkInterfaces()).flat().filter((item) => item && !item.internal);
  // IPv4 first; an IPv6 link-local address needs a zone id, so only global ones.
  const found = addresses.find((item) => item.family === "IPv4") ?? addresses.find((item) => item.family === "IPv6" && !item.address.startsWith("fe80:"));
  if (!found) return undefined;
  return found.family === "IPv6" ? `[${found.address}]` : found.address;
};

const address = process.env.HEALTHCHECK_ADDRESS || externalAddress();
if (!address) {
  console.error("healthcheck: no non-loopback network address: nothing outside the container can reach the app");
  process.exit(1);
}
const url = `http://${address}:${process.env.PORT || 3000}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  if (!response.ok) throw new Error(`answered ${response.status}`);
  process.exit(0);
} catch (error) {
  console.error(`healthcheck: ${url}: ${error.cause?.code ?? error.message}`);
  process.exit(1);
}
