# One image for every role; docker-compose picks the role with `command`.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DO_NOT_TRACK=true
COPY package.json package-lock.json ./
# tsx is a runtime dependency (no build step); dev tools are left out.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY bin ./bin
COPY schemas ./schemas
COPY platform ./platform
COPY ingest ./ingest
COPY projector ./projector
COPY gateway ./gateway
COPY cli ./cli
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node_modules/.bin/tsx"]
CMD ["ingest/main.ts"]
