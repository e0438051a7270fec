FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so source edits do not invalidate the npm layer.
# tsx is a runtime dependency, so --omit=dev still leaves it installed.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json ./
COPY api ./api
COPY activities ./activities
COPY db ./db
COPY workflows ./workflows
COPY worker ./worker
COPY platform ./platform
COPY scripts ./scripts

USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
