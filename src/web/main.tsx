import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { LangContext, type Lang } from './i18n';
import { SessionContext, type Me } from './session';
import { api } from './api/client';
import { LoginPage } from './pages/login';
import { Shell } from './layout/shell';

function Root() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('meridian.lang') === 'en' ? 'en' : 'zh'));
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const setLang = (l: Lang) => {
    localStorage.setItem('meridian.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  };
  useEffect(() => {
    api.GET('/api/auth/me').then((r) => {
      if (r.data) setUser(r.data.user);
      setLoading(false);
    }, () => setLoading(false));
  }, []);
  const langValue = useMemo(() => ({ lang, setLang }), [lang]);
  return (
    <LangContext.Provider value={langValue}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#0b6e69', borderRadius: 4 } }}>
        <AntApp>
          <SessionContext.Provider value={{ user, setUser }}>
            {loading ? <Spin style={{ marginTop: '30vh', width: '100%' }} /> : user ? <Shell /> : <LoginPage />}
          </SessionContext.Provider>
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Root />
    </BrowserRouter>
  </StrictMode>,
);
