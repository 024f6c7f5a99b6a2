# syntax=docker/dockerfile:1
# The jetbus example worker and the admin app in one image (the command picks which):
#   docker build -t jetbus .
#   docker run jetbus                                   # the orders worker (dist/apps/example/src/main.js)
#   docker run jetbus node libs/cli/dist/main.js admin  # the admin app
# Two stages: the build stage has the dev dependencies and the sources; the runtime stage only the
# compiled JavaScript and the production dependencies, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY libs/core/package.json libs/core/
COPY libs/auth/package.json libs/auth/
COPY libs/cli/package.json libs/cli/
COPY libs/testing/package.json libs/testing/
COPY apps/admin/package.json apps/admin/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the worker writes nothing to its own tree.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps ./apps
USER node
# SIGTERM starts jetbus's graceful drain (shutdownGracePeriod, 10 s by default); node as PID 1
# receives it directly because this is the exec form.
CMD ["node", "dist/apps/example/src/main.js"]
