// Every page of the dashboard. The landing and sign-in pages are in the first download; everything behind
// sign-in loads when it is first visited.
import { lazy } from "react";
import { Outlet, type RouteObject } from "react-router";
import { Layout } from "./components/layout.js";
import { RequireAuth } from "./components/require-auth.js";
import LandingPage from "./pages/landing.js";
import LoginPage from "./pages/login.js";
import { NotFoundPage, RouteError } from "./pages/not-found.js";
import RegisterPage from "./pages/register.js";

const DocsPage = lazy(() => import("./pages/docs.js"));
const ProjectsPage = lazy(() => import("./pages/projects.js"));
const ProjectLayout = lazy(() => import("./pages/project/project-layout.js"));
const ApplicationsTab = lazy(() => import("./pages/project/applications.js"));
const CollaboratorsTab = lazy(() => import("./pages/project/collaborators.js"));
const AuditLogTab = lazy(() => import("./pages/project/audit-log.js"));
const SettingsTab = lazy(() => import("./pages/project/settings.js"));
const DeployAppPage = lazy(() => import("./pages/deploy-app.js"));
const DeployFromYamlPage = lazy(() => import("./pages/deploy-from-yaml.js"));
const AppPage = lazy(() => import("./pages/app/app-page.js"));
const AccountPage = lazy(() => import("./pages/account.js"));

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <LandingPage /> },
      { path: "docs", element: <DocsPage /> },
      { path: "login", element: <LoginPage /> },
      { path: "register", element: <RegisterPage /> },
      {
        element: (
          <RequireAuth>
            <Outlet />
          </RequireAuth>
        ),
        children: [
          { path: "projects", element: <ProjectsPage /> },
          {
            path: "projects/:name",
            element: <ProjectLayout />,
            children: [
              { index: true, element: <ApplicationsTab /> },
              { path: "collaborators", element: <CollaboratorsTab /> },
              { path: "audit", element: <AuditLogTab /> },
              { path: "settings", element: <SettingsTab /> },
            ],
          },
          { path: "projects/:name/apps/new", element: <DeployAppPage /> },
          // Not under apps/: an app may be named anything a DNS label allows.
          { path: "projects/:name/deploy-yaml", element: <DeployFromYamlPage /> },
          { path: "projects/:name/apps/:app", element: <AppPage /> },
          { path: "projects/:name/apps/:app/edit", element: <DeployAppPage /> },
          { path: "account", element: <AccountPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
