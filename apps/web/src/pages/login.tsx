import { AuthForm } from "./auth-form.js";

export default function LoginPage() {
  return <AuthForm mode="login" />;
}
