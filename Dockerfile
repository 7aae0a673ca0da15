# One image for every role; docker-compose picks the role with `command`.
# Node 20, not 22: the uWebSockets.js build the project locks ships native binaries for Node
# ABIs up to 115 (Node 20) only; on Node 22 it falls back to a slow `ws` shim (one warning).
# deploy/image.unit.test.ts fails if the base image's Node has no native binary.
FROM node:20-bookworm-slim
# git: `teampulse backfill` reads history with it. Mounted repositories belong to other
# uids, so git's ownership check is relaxed for the image (it only ever reads them).
RUN apt-get update \
  && apt-get install -y --no-install-recommends git \
  && rm -rf /var/lib/apt/lists/* \
  && git config --system --add safe.directory '*'
WORKDIR /app
ENV NODE_ENV=production DO_NOT_TRACK=true
COPY package.json package-lock.json ./
# tsx is a runtime dependency (no build step); dev tools are left out.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
# Every folder an entry point imports from (deploy/image.unit.test.ts walks the imports);
# .dockerignore drops tests and test support inside them.
COPY tsconfig.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY platform ./platform
COPY ingest ./ingest
COPY projector ./projector
COPY gateway ./gateway
COPY replay ./replay
COPY backfill ./backfill
COPY cli ./cli
# The client library: bundled into the dashboard page at gateway start.
COPY client ./client
# The NATS auth volume is mounted here; a new named volume takes this directory's owner,
# so the one-shot `nats-auth` service (running as node) can write into it.
RUN mkdir /auth && chown node:node /auth
# Ingest's spool volume (deliveries fsynced while the log is away) is mounted here, same reason.
RUN mkdir /spool && chown node:node /spool
USER node
ENTRYPOINT ["node_modules/.bin/tsx"]
CMD ["ingest/main.ts"]
