import type { IncomingMessage, ServerResponse } from "node:http";

type AddHandler = (handler: (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>) => void;

/** GET /healthz: the process can serve. */
export const registerHttpRoutes = (addHandler: AddHandler): void => {
  addHandler((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok" }));
      return true;
    }
    return false;
  });
};
