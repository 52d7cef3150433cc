import { StrictMode, useEffect, useMemo, useState, type ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { LangContext, type Lang } from './i18n';
import { SessionContext, type Me } from './session';
import { queryClient, setErrorReporter, useApiQuery } from './api/hooks';
import { LoginPage } from './pages/login';
import { Shell } from './layout/shell';

/** Shows every failed read or write as an antd message in the current language. */
function ErrorReporter({ lang, children }: { lang: Lang; children: ReactNode }) {
  const { message } = AntApp.useApp();
  useEffect(() => setErrorReporter((text) => void message.error(text), lang), [message, lang]);
  return children;
}

function Root() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('meridian.lang') === 'en' ? 'en' : 'zh'));
  const [user, setUser] = useState<Me | null>(null);
  // Not signed in answers 401: the sign-in page is that answer, so it is not shown as an error.
  const me = useApiQuery('/api/auth/me', undefined, { meta: { ownError: true } });
  useEffect(() => { if (me.data) setUser(me.data.user); }, [me.data]);
  const loading = me.isPending;
  // the page's language follows the chosen one from the first paint (screen readers and the browser's translation read it)
  useEffect(() => { document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; }, [lang]);
  const setLang = (l: Lang) => {
    localStorage.setItem('meridian.lang', l);
    setLangState(l);
  };
  const langValue = useMemo(() => ({ lang, setLang }), [lang]);
  return (
    <LangContext.Provider value={langValue}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#0b6e69', borderRadius: 4 } }}>
        <AntApp>
          <ErrorReporter lang={lang}>
            <SessionContext.Provider value={{ user, setUser }}>
              {loading ? <Spin style={{ marginTop: '30vh', width: '100%' }} /> : user ? <Shell /> : <LoginPage />}
            </SessionContext.Provider>
          </ErrorReporter>
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Root />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
