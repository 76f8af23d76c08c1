import { AuthForm } from "./auth-form.js";

export default function RegisterPage() {
  return <AuthForm mode="register" />;
}
