/**
 * Like Promise.all for independent GitHub reads, but waits for every read to settle before
 * failing, so no request of a delivery is still in flight after the delivery was handled.
 */
export const settleAll = async <T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> => {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
};
